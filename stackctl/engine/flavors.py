"""What the engine needs to know about flavors: replacement keys and provisioners."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from stackctl.components.provisioner import Provisioner
from stackctl.components.registry import flavors


def _replace_paths(schema: Mapping[str, Any], prefix: str) -> Iterator[str]:
    for key, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, Mapping):
            continue
        path = f"{prefix}.{key}"
        if sub.get("x-replace"):
            yield path
        yield from _replace_paths(sub, path)


@cache
def replace_keys(type_: str, flavor: str) -> frozenset[str]:
    """Attribute paths (``config.path``) whose change forces replacement (`x-replace`)."""
    found = flavors().get((type_, flavor))
    if found is None:
        return frozenset()
    return frozenset(_replace_paths(found.schema(), "config"))


@cache
def provisioner(type_: str, flavor: str | None) -> Provisioner | None:
    """The flavor's provisioner instance, or None when it has nothing to provision."""
    if flavor is None:
        return None
    found = flavors().get((type_, flavor))
    if found is None or found.provisioner is None:
        return None
    cls = found.load_provisioner()
    return None if cls is None else cls()  # type: ignore[no-any-return]
