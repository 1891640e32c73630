"""The types inside a loaded plan: a hostile file must fail here, not deep in apply.

``planjson.plan_from_json`` builds the dataclasses without checking what JSON gave it
(a list where an address should be, a number for a flag); this walks the result once
and raises PlanError for the first value of the wrong type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackctl.engine.changes import Plan
from stackctl.errors import PlanError
from stackctl.model import Resource


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise PlanError(f"{what} has the wrong type")


def _strings(values: Any, what: str) -> None:
    _need(isinstance(values, tuple) and all(isinstance(v, str) for v in values), what)


def _resource(r: Resource | None, where: str) -> None:
    if r is None:
        return
    for name in ("address", "type", "name"):
        _need(isinstance(getattr(r, name), str), f"{where}.{name}")
    _need(r.flavor is None or isinstance(r.flavor, str), f"{where}.flavor")
    _need(isinstance(r.config, Mapping), f"{where}.config")
    _need(isinstance(r.outputs, Mapping), f"{where}.outputs")
    _need(isinstance(r.lifecycle.prevent_destroy, bool), f"{where}.lifecycle")
    _strings(r.depends_on, f"{where}.depends_on")


def check_shape(plan: Plan) -> None:
    """PlanError naming the first field of ``plan`` whose type is not the schema's."""
    _need(isinstance(plan.lineage, str), "lineage")
    _need(isinstance(plan.config_digest, str), "config_digest")
    _need(isinstance(plan.project, str), "project")
    for i, c in enumerate(plan.changes):
        where = f"resource_changes[{i}]"
        _need(isinstance(c.address, str) and isinstance(c.reason, str), where)
        _need(c.before is not None or c.after is not None, f"{where} (no before, no after)")
        _resource(c.before, f"{where}.before")
        _resource(c.after, f"{where}.after")
        for a in c.attributes:
            _need(isinstance(a.path, str) and isinstance(a.kind, str), f"{where}.attributes")
            _need(isinstance(a.sensitive, bool), f"{where}.attributes")
            _need(isinstance(a.forces_replacement, bool), f"{where}.attributes")
    for d in plan.drift:
        _need(isinstance(d.address, str) and isinstance(d.detail, str), "drift")
        _need(isinstance(d.exists, bool), "drift")
    for e in plan.interrupted:
        _need(all(isinstance(v, str) for v in (e.address, e.action, e.since)), "interrupted")
    for edge in plan.edges:
        _strings(edge, "edges")
    o = plan.options
    for name in ("targets", "excludes", "replace", "allow_destroy"):
        _strings(getattr(o, name), f"options.{name}")
