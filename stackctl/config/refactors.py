"""`moved:` and `removed:` blocks: read from every project file, checked as a whole.

Terraform's rules (1.1 `moved`, 1.7 `removed`), checked without state so that
`stackctl validate` reports them: a move keeps its type; one address is moved from at
most once and moved to at most once; chains (a -> b, b -> c) are fine, cycles are not;
the `from` of a move or a removal is no longer declared (it names what state holds).
What needs state (a `to` that state already records) is checked by engine/moves.py.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from stackctl.config.declared import Collector
from stackctl.config.yaml import Document
from stackctl.model import MovedBlock, RemovedBlock

_TYPE_HINT = (
    "a move renames within one type; to change the type, declare the new one and "
    "delete the old (a destroy)"
)


class Refactors:
    """Collects the blocks of every file, then checks them against the declared addresses."""

    def __init__(self, out: Collector) -> None:
        self.out = out
        self.moved: list[tuple[MovedBlock, Document, int]] = []
        self.removed: list[tuple[RemovedBlock, Document, int]] = []

    def add(self, doc: Document, data: Any, bad: Collection[str]) -> None:
        """The `moved:` / `removed:` lists of one (schema-checked) file."""
        if not isinstance(data, dict):
            return
        for index, item in enumerate(_items(data, "moved", bad)):
            block = MovedBlock(item["from"], item["to"], doc.locate(("moved", index)))
            self.moved.append((block, doc, index))
        for index, item in enumerate(_items(data, "removed", bad)):
            destroy = item.get("destroy", (item.get("lifecycle") or {}).get("destroy", True))
            removal = RemovedBlock(item["from"], bool(destroy), doc.locate(("removed", index)))
            self.removed.append((removal, doc, index))

    def check(
        self, declared: Collection[str]
    ) -> tuple[tuple[MovedBlock, ...], tuple[RemovedBlock, ...]]:
        """Report every rule broken; returns the blocks (all of them, for the model)."""
        sources: dict[str, MovedBlock] = {}
        targets: dict[str, MovedBlock] = {}
        for block, doc, index in self.moved:
            at = ("moved", index)
            if _type(block.source) != _type(block.to):
                self.out.add_value(
                    doc,
                    (*at, "to"),
                    f"moved: {block.source} -> {block.to} changes the resource type",
                    _TYPE_HINT,
                )
            for table, key, word in ((sources, block.source, "from"), (targets, block.to, "to")):
                first = table.get(key)
                if first is not None:
                    self.out.add_value(
                        doc,
                        (*at, word),
                        f"moved: {key} is the `{word}` of two entries (also at {first.location})",
                        "keep one of the two entries",
                    )
                else:
                    table[key] = block
            if block.source in declared:
                self.out.add_value(
                    doc,
                    (*at, "from"),
                    f"moved: {block.source} is still declared",
                    f"`from` names the old address: rename the declaration to {block.to}, "
                    "or drop this entry",
                )
        self._cycles(sources)
        for removal, doc, index in self.removed:
            if removal.source in declared:
                self.out.add_value(
                    doc,
                    ("removed", index, "from"),
                    f"removed: {removal.source} is still declared",
                    "delete its declaration too, or drop this entry",
                )
            if removal.source in sources:
                self.out.add_value(
                    doc,
                    ("removed", index, "from"),
                    f"removed: {removal.source} is also moved "
                    f"(at {sources[removal.source].location})",
                    "keep either the move or the removal",
                )
        return tuple(b for b, _, _ in self.moved), tuple(b for b, _, _ in self.removed)

    def _cycles(self, sources: dict[str, MovedBlock]) -> None:
        reported: set[str] = set()
        for start in sources:
            path = [start]
            current = sources[start].to
            while current in sources and current not in path:
                path.append(current)
                current = sources[current].to
            if current == start and not reported & set(path):
                reported.update(path)
                for block, doc, index in self.moved:
                    if block.source == start:
                        cycle = " -> ".join([*path, start])
                        self.out.add_value(
                            doc,
                            ("moved", index, "from"),
                            f"moved: the entries form a cycle: {cycle}",
                            "a move chain must end at a declared address; drop one entry",
                        )


def _items(data: dict[str, Any], key: str, bad: Collection[str]) -> list[dict[str, Any]]:
    raw = data.get(key)
    if not isinstance(raw, list) or any(p == f"/{key}" or p.startswith(f"/{key}/") for p in bad):
        return []  # the schema already reported it
    return [item for item in raw if isinstance(item, dict)]


def _type(address: str) -> str:
    return address.split(".", 1)[0]
