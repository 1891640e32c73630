"""Round-trip edits a rename needs: a key renamed in place, a value set, a `moved:` entry.

Each function mutates a ruamel tree and is run through ``StackFile.change`` so only the
lines that differ are spliced into the file (comments and layout kept).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Mutation = Callable[[Any], None]


def rename_key(path: tuple[str, ...], new: str) -> Mutation:
    """``path[-1]`` under ``path[:-1]`` becomes ``new``, at the same position, comments kept."""

    def mutate(data: Any) -> None:
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        old = path[-1]
        position = list(parent).index(old)
        comment = parent.ca.items.pop(old, None) if hasattr(parent, "ca") else None
        value = parent.pop(old)
        parent.insert(position, new, value)
        if comment is not None:
            parent.ca.items[new] = comment

    return mutate


def set_value(path: tuple[str, ...], value: Any) -> Mutation:
    def mutate(data: Any) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def pin_config(path: tuple[str, ...], values: dict[str, Any]) -> Mutation:
    """Write computed config values (e.g. a store's per-name folder) into the declaration,
    so a rename keeps pointing at the same place."""

    def mutate(data: Any) -> None:
        from stackctl.config.edit import _is_flow, _node

        node = data
        for key in path:
            node = node[key]
        if node.get("config") is None:
            node["config"] = _node({}, _is_flow(node))
        for key, value in values.items():
            node["config"][key] = value

    return mutate


def record_move(source: str, to: str) -> Mutation:
    """Append ``{from: source, to: to}`` to the file's top-level `moved:` list."""

    def mutate(data: Any) -> None:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        entry = CommentedMap([("from", source), ("to", to)])
        entry.fa.set_flow_style()
        moved = data.get("moved")
        if moved is None:
            moved = CommentedSeq()
            data["moved"] = moved
        moved.append(entry)

    return mutate


def drop_moves_from(source: str) -> Mutation:
    """Remove `moved:` entries whose `from` is ``source`` (a rename back declares it again;
    Terraform forbids a `from` that is declared). The key goes when the list empties."""

    def mutate(data: Any) -> None:
        moved = data.get("moved")
        if not isinstance(moved, list):
            return
        for index in reversed(range(len(moved))):
            item = moved[index]
            if isinstance(item, dict) and item.get("from") == source:
                del moved[index]
        if not moved:
            del data["moved"]

    return mutate


def moves_from(data: Any, source: str) -> bool:
    moved = data.get("moved") if isinstance(data, dict) else None
    return isinstance(moved, list) and any(
        isinstance(i, dict) and i.get("from") == source for i in moved
    )
