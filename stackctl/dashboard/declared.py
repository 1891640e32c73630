"""Declared things as JSON-ready dicts: stacks, components, flavors, pipelines, applies.

Config values are shown resolved, with every secret replaced by ``(sensitive)``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from stackctl.dashboard import runs
from stackctl.dashboard.source import ReadStore, Source
from stackctl.errors import Location, NotFoundError
from stackctl.model import COMPONENT_TYPES, ComponentSpec, ProjectSpec, Run, redact


def _where(location: Location | None) -> str | None:
    return str(location) if location else None


def stack_url(name: str) -> str:
    return f"/stacks/{quote(name, safe='')}"


def component(spec: ComponentSpec, used_by: list[str] | None = None) -> dict[str, Any]:
    from stackctl.components.registry import flavors

    flavor = flavors().get((spec.type, spec.flavor))
    return {
        "address": spec.address,
        "type": spec.type,
        "name": spec.name,
        "flavor": spec.flavor,
        "flavor_description": flavor.description if flavor else "",
        "config": redact(dict(spec.config)),
        "prevent_destroy": spec.lifecycle.prevent_destroy,
        "location": _where(spec.location),
        "used_by": used_by or [],
    }


def _type_order(type_: str) -> int:
    return COMPONENT_TYPES.index(type_) if type_ in COMPONENT_TYPES else len(COMPONENT_TYPES)


def _run_stats(store: ReadStore, key: str) -> dict[str, tuple[int, Run]]:
    """Per stack (or pipeline) name: how many runs, and the newest one."""
    stats: dict[str, tuple[int, Run]] = {}
    for run in runs.iter_runs(store):
        name = run.stack if key == "stack" else run.pipeline
        count, newest = stats.get(name, (0, run))
        stats[name] = (count + 1, newest)
    return stats


def stacks(source: Source) -> list[dict[str, Any]]:
    """Every declared stack (and any stack that only runs remember), active one marked."""
    spec, store, active = source.spec(), source.store(), source.active_stack()
    stats = _run_stats(store, "stack")
    applied = store.read().resources
    rows = []
    for name in sorted(set(spec.stacks) | set(stats)):
        declared = spec.stacks.get(name)
        parts = sorted(
            (declared.components if declared else {}).items(), key=lambda i: _type_order(i[0])
        )
        count, last = stats.get(name, (0, None))
        rows.append(
            {
                "name": name,
                "url": stack_url(name),
                "active": name == active,
                "declared": declared is not None,
                "applied": f"stack.{name}" in applied,
                "components": [
                    {"type": t, "name": n, "flavor": spec.component(t, n).flavor} for t, n in parts
                ],
                "run_count": count,
                "last_run": runs.summary(last) if last else None,
                "location": _where(declared.location if declared else None),
            }
        )
    return rows


def stack(source: Source, name: str, limit: int, offset: int) -> dict[str, Any]:
    """One stack: its components with resolved config, and its runs (newest first)."""
    spec, store = source.spec(), source.store()
    declared = spec.stacks.get(name)
    history = runs.page(store, stack=name, limit=limit, offset=offset)
    if declared is None and not history["runs"] and offset == 0:
        raise NotFoundError(f"stack {name!r} is not declared and has no runs")
    parts = sorted(
        (declared.components if declared else {}).items(), key=lambda i: _type_order(i[0])
    )
    return {
        "name": name,
        "active": name == source.active_stack(),
        "declared": declared is not None,
        "applied": f"stack.{name}" in store.read().resources,
        "prevent_destroy": bool(declared and declared.lifecycle.prevent_destroy),
        "location": _where(declared.location if declared else None),
        "components": [component(spec.component(t, n)) for t, n in parts],
        **history,
    }


def _users(spec: ProjectSpec) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for stack_name, declared in sorted(spec.stacks.items()):
        for type_, comp in declared.components.items():
            users.setdefault(f"{type_}.{comp}", []).append(stack_name)
    return users


def components(source: Source) -> list[dict[str, Any]]:
    spec = source.spec()
    users = _users(spec)
    ordered = sorted(spec.components.values(), key=lambda c: (_type_order(c.type), c.name))
    return [component(c, users.get(c.address, [])) for c in ordered]


def flavors() -> list[dict[str, Any]]:
    from stackctl.components.registry import flavors as table

    ordered = sorted(table().values(), key=lambda f: (_type_order(f.type), f.name))
    return [
        {
            "type": f.type,
            "name": f.name,
            "description": f.description,
            "source": f.source,
            "extra": f.extra,
        }
        for f in ordered
    ]


def pipelines(source: Source) -> list[dict[str, Any]]:
    spec, store = source.spec(), source.store()
    stats = _run_stats(store, "pipeline")
    rows = []
    for name in sorted(set(spec.pipelines) | set(stats)):
        declared = spec.pipelines.get(name)
        count, last = stats.get(name, (0, None))
        rows.append(
            {
                "name": name,
                "declared": declared is not None,
                "source": declared.source if declared else None,
                "stack": declared.stack if declared else None,
                "steps": [s.name for s in declared.steps] if declared else [],
                "params": redact(dict(declared.params)) if declared else {},
                "location": _where(declared.location if declared else None),
                "run_count": count,
                "last_run": runs.summary(last) if last else None,
                "runs_url": f"/runs?pipeline={quote(name, safe='')}",
            }
        )
    return rows


def applies(source: Source, limit: int, offset: int) -> dict[str, Any]:
    """The state's history, newest first: who changed what, when."""
    entries = list(reversed(source.store().history()))
    chosen = entries[offset : offset + limit]
    return {
        "applies": [
            {
                "serial": e.serial,
                "at": e.at,
                "who": e.who,
                "operation": e.operation,
                "summary": e.summary,
                "changes": [redact(dict(c)) for c in e.changes],
            }
            for e in chosen
        ],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if offset + limit < len(entries) else None,
        "total": len(entries),
    }
