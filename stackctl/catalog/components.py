"""Register, update and delete components by editing stacks/*.yaml (comments kept).

Which file an edit goes to: a component already declared stays where it is; a new one
goes to the first stack file that already declares components of its type, else the
first one with any `components:`, else the first stack file, else a new
`stacks/components.yaml` (in the folder the project's `include:` names).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from stackctl.catalog.files import Edit, Outcome
from stackctl.catalog.views import component
from stackctl.errors import NotFoundError, StackctlError
from stackctl.model import COMPONENT_TYPES, address
from stackctl.project import Project

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,62}\Z")


def check_type(type_: str) -> str:
    """``type_`` as a model type (`artifact-store` -> `artifact_store`), or NotFoundError."""
    normal = type_.replace("-", "_")
    if normal not in COMPONENT_TYPES:
        from stackctl.config.schema import closest

        raise NotFoundError(
            f"unknown component type {type_!r}",
            hint=closest(normal, COMPONENT_TYPES)
            or f"known types: {', '.join(t.replace('_', '-') for t in COMPONENT_TYPES)}",
        )
    return normal


def check_name(name: str, what: str) -> None:
    if not NAME.match(name):
        raise StackctlError(
            f"invalid {what} name {name!r}",
            hint="names are letters, digits, _ and -, start with a letter or _, "
            "at most 63 characters",
        )


def component_file(edit: Edit, type_: str) -> str:
    """Where a new component of ``type_`` is declared (see the module docstring)."""
    found = edit.first_file(
        lambda f: f.has("components", type_), lambda f: f.has("components"), lambda f: True
    )
    return found or edit.new_file("components")


def register_component(
    project: Project, type_: str, name: str, flavor: str, config: Mapping[str, Any]
) -> Outcome:
    """Declare a new component; the project must validate afterwards."""
    from stackctl.components.registry import get_flavor

    check_name(name, type_)
    get_flavor(type_, flavor)  # unknown flavor: NotFoundError listing the known ones
    edit = Edit(project)
    existing = edit.spec.components.get(address(type_, name))
    if existing is not None:
        where = f" at {existing.location}" if existing.location else " (built in)"
        raise StackctlError(
            f"{type_} {name!r} is already declared{where}",
            hint=f"pick another name, or change it with "
            f"`stackctl {type_.replace('_', '-')} update {name}`",
        )
    rel = component_file(edit, type_)
    body: dict[str, Any] = {"flavor": flavor}
    if config:
        body["config"] = dict(config)
    edit.open(rel).add_component(type_, name, body)
    edit.commit()
    return Outcome(f"Registered {type_} {name!r} (flavor {flavor}) in {rel}.", (rel,))


def update_component(
    project: Project,
    type_: str,
    name: str,
    *,
    flavor: str | None = None,
    config: Mapping[str, Any] | None = None,
    unset: tuple[str, ...] = (),
) -> Outcome:
    """Change a component's flavor or config in place (a built-in one gets declared)."""
    if flavor is not None:
        from stackctl.components.registry import get_flavor

        get_flavor(type_, flavor)
    edit = Edit(project)
    current = component(project, type_, name)
    if current.location is None:  # the implicit default components: declare an override
        rel = component_file(edit, type_)
        merged = {k: v for k, v in {**current.config, **(config or {})}.items() if k not in unset}
        body: dict[str, Any] = {"flavor": flavor or current.flavor}
        if merged:
            body["config"] = merged
        edit.open(rel).add_component(type_, name, body)
    else:
        rel = current.location.file
        missing = [k for k in unset if k not in current.config]
        if missing:
            raise StackctlError(
                f"{type_} {name!r} has no config key {missing[0]!r} to unset",
                hint=f"its keys: {', '.join(current.config) or 'none'}",
            )
        edit.open(rel).update_component(type_, name, flavor=flavor, config=config, unset=unset)
    if not edit.changes():
        return Outcome(f"{type_} {name!r} already has these settings; nothing to change.", ())
    edit.commit()
    return Outcome(f"Updated {type_} {name!r} in {rel}.", (rel,))


def delete_component(project: Project, type_: str, name: str) -> Outcome:
    """Remove a component's declaration; refused while a stack uses it."""
    edit = Edit(project)
    current = component(project, type_, name)
    if current.location is None:
        raise StackctlError(
            f"{type_} {name!r} is built in (the default stack uses it) and cannot be deleted",
            hint="declare and use another component instead",
        )
    users = sorted(s.name for s in edit.spec.stacks.values() if s.components.get(type_) == name)
    if users:
        raise StackctlError(
            f"{type_} {name!r} is used by stack{'s' if len(users) > 1 else ''} "
            f"{', '.join(repr(u) for u in users)}",
            hint="delete those stacks first (`stackctl stack delete NAME`) or point them "
            "at another component",
        )
    rel = current.location.file
    edit.open(rel).remove_component(type_, name)
    edit.commit()
    removed = not (project.root / rel).exists()
    note = f" ({rel} was left empty and removed)" if removed else ""
    return Outcome(f"Deleted {type_} {name!r} from {rel}{note}.", (rel,))
