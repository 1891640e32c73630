"""Read-only views of stacks and components: plain dicts, secrets redacted, JSON-stable.

The shapes here are what `--output json` prints (documented in docs/cli.md); add keys,
never rename or remove them.
"""

from __future__ import annotations

import os
from typing import Any

from stackctl.errors import NotFoundError
from stackctl.model import COMPONENT_TYPES, DEFAULT_STACK, ComponentSpec, redact
from stackctl.project import STACK_ENV, Project

FORMAT_VERSION = "1"


def applied_addresses(project: Project) -> frozenset[str]:
    """Addresses present in the project's state (what `stackctl apply` created)."""
    return frozenset(project.read_state().read().resources)


def active_stack(project: Project) -> dict[str, str]:
    """The active stack and where the choice comes from: env, checkout or default."""
    name = project.active_stack()
    project.stack(name)  # undeclared (or junk such as terminal escapes): NotFoundError
    if os.environ.get(STACK_ENV):
        source = f"${STACK_ENV}"
    elif project.active_stack_file.is_file() and name != DEFAULT_STACK:
        source = str(project.active_stack_file.relative_to(project.root))
    else:
        source = "default"
    return {"name": name, "source": source}


def component(project: Project, type_: str, name: str) -> ComponentSpec:
    spec = project.spec
    found = spec.components.get(f"{type_}.{name}")
    if found is None:
        from stackctl.config.schema import closest

        names = sorted(c.name for c in spec.components.values() if c.type == type_)
        raise NotFoundError(
            f"{type_} {name!r} is not declared",
            hint=closest(name, names)
            or (f"declared {type_}s: {', '.join(names)}" if names else "")
            or f"register one with `stackctl {type_.replace('_', '-')} register`",
        )
    return found


def list_stacks(project: Project) -> dict[str, Any]:
    """`stackctl stack list --output json`."""
    spec, applied = project.spec, applied_addresses(project)
    active = project.active_stack()
    rows = []
    for name in sorted(spec.stacks, key=lambda n: (n != DEFAULT_STACK, n)):
        st = spec.stacks[name]
        rows.append(
            {
                "name": name,
                "active": name == active,
                "applied": st.address in applied,
                "components": {
                    t: {"name": c.name, "flavor": c.flavor}
                    for t, c in _ordered(spec.stack_components(name)).items()
                },
                "location": _where(st.location),
            }
        )
    return {"format_version": FORMAT_VERSION, "active": active, "stacks": rows}


def describe_stack(project: Project, name: str) -> dict[str, Any]:
    """`stackctl stack describe S --output json`: resolved config with secrets redacted."""
    st = project.stack(name)
    applied = applied_addresses(project)
    components = _ordered(project.spec.stack_components(name))
    return {
        "format_version": FORMAT_VERSION,
        "name": name,
        "active": name == project.active_stack(),
        "applied": st.address in applied,
        "location": _where(st.location),
        "prevent_destroy": st.lifecycle.prevent_destroy,
        "components": [_component(c, applied) for c in components.values()],
    }


def list_components(project: Project, type_: str | None = None) -> dict[str, Any]:
    """`stackctl component list --output json`."""
    spec, applied = project.spec, applied_addresses(project)
    used: dict[str, list[str]] = {}
    for st in spec.stacks.values():
        for t, n in st.components.items():
            used.setdefault(f"{t}.{n}", []).append(st.name)
    rows = [
        {
            "type": c.type,
            "name": c.name,
            "flavor": c.flavor,
            "stacks": sorted(used.get(c.address, [])),
            "applied": c.address in applied,
            "location": _where(c.location),
        }
        for c in sorted(
            spec.components.values(), key=lambda c: (COMPONENT_TYPES.index(c.type), c.name)
        )
        if type_ is None or c.type == type_
    ]
    return {"format_version": FORMAT_VERSION, "components": rows}


def describe_component(project: Project, type_: str, name: str) -> dict[str, Any]:
    comp = component(project, type_, name)
    data = _component(comp, applied_addresses(project))
    data["stacks"] = sorted(
        s.name for s in project.spec.stacks.values() if s.components.get(type_) == name
    )
    return {"format_version": FORMAT_VERSION, **data}


def _component(comp: ComponentSpec, applied: frozenset[str]) -> dict[str, Any]:
    return {
        "type": comp.type,
        "name": comp.name,
        "flavor": comp.flavor,
        "config": redact(dict(comp.config)),
        "applied": comp.address in applied,
        "location": _where(comp.location),
        "prevent_destroy": comp.lifecycle.prevent_destroy,
    }


def _ordered(components: dict[str, ComponentSpec]) -> dict[str, ComponentSpec]:
    return dict(sorted(components.items(), key=lambda kv: COMPONENT_TYPES.index(kv[0])))


def _where(location: Any) -> str | None:
    """`stacks/local.yaml:11:3`, or None for the built-in default stack and components."""
    return str(location) if location is not None else None
