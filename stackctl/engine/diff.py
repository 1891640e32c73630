"""Attribute-level differences between a recorded and a desired resource."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackctl.config.secrets import is_sensitive
from stackctl.engine.changes import AttributeChange
from stackctl.model import Resource

_ABSENT = object()


def attributes(resource: Resource) -> dict[str, Any]:
    """The user-visible attributes that a plan compares."""
    return {
        "flavor": resource.flavor,
        "config": resource.config,
        "lifecycle": {"prevent_destroy": resource.lifecycle.prevent_destroy},
    }


def same(before: Resource, after: Resource) -> bool:
    """Whether an apply would change nothing (outputs are reality's, not desired)."""
    return (
        before.flavor == after.flavor
        and before.config == after.config
        and before.lifecycle == after.lifecycle
    )


def _walk(before: Any, after: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    if _nested(before, after) and _nested(after, before):
        before = {} if before is _ABSENT else before
        after = {} if after is _ABSENT else after
        for key in sorted({*before, *after}, key=str):
            yield from _walk(before.get(key, _ABSENT), after.get(key, _ABSENT), f"{path}.{key}")
    elif before != after:
        yield path, before, after


def _nested(value: Any, other: Any) -> bool:
    return isinstance(value, Mapping) or (value is _ABSENT and isinstance(other, Mapping))


def _noise(kind: str, value: Any) -> bool:
    # A created or deleted resource lists its attributes; defaults add nothing to read.
    return kind != "change" and (value is None or value is False or value in ("", {}, []))


def attribute_changes(
    before: Resource | None, after: Resource | None, replace_keys: frozenset[str]
) -> tuple[AttributeChange, ...]:
    """Every differing leaf, nested keys shown by path (``config.a.b``)."""
    old = attributes(before) if before else {}
    new = attributes(after) if after else {}
    found = []
    for key in ("flavor", "config", "lifecycle"):
        for path, b, a in _walk(old.get(key, _ABSENT), new.get(key, _ABSENT), key):
            kind = "add" if b is _ABSENT else "remove" if a is _ABSENT else "change"
            b = None if b is _ABSENT else b
            a = None if a is _ABSENT else a
            if _noise(kind, a if kind == "add" else b):
                continue
            forces = before is not None and after is not None and _forces(path, replace_keys)
            sensitive = is_sensitive(b) or is_sensitive(a)
            found.append(AttributeChange(path, kind, b, a, sensitive, forces))
    return tuple(found)


def _forces(path: str, replace_keys: frozenset[str]) -> bool:
    return path == "flavor" or any(
        path == key or path.startswith(key + ".") for key in replace_keys
    )
