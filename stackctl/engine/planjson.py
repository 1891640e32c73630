"""The plan's JSON form (``plan --json`` and plan files): see schemas/plan.schema.json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackctl.engine.changes import (
    FORMAT_VERSION,
    AttributeChange,
    Change,
    Drift,
    Interrupted,
    Plan,
    PlanOptions,
)
from stackctl.errors import PlanError, one_line
from stackctl.model import Action, Lifecycle, Resource

_BY_ACTIONS = {tuple(a.json_actions): a for a in Action}


def resource_json(r: Resource) -> dict[str, Any]:
    return {
        "type": r.type,
        "name": r.name,
        "flavor": r.flavor,
        "config": r.config,
        "outputs": r.outputs,
        "lifecycle": {"prevent_destroy": r.lifecycle.prevent_destroy},
        "depends_on": list(r.depends_on),
    }


def _resource(address: str, data: Mapping[str, Any] | None) -> Resource | None:
    if data is None:
        return None
    return Resource(
        address=address,
        type=data["type"],
        name=data["name"],
        flavor=data["flavor"],
        config=data["config"],
        outputs=data.get("outputs") or {},
        lifecycle=Lifecycle(bool(data["lifecycle"]["prevent_destroy"])),
        depends_on=tuple(data.get("depends_on") or ()),
    )


def change_json(c: Change) -> dict[str, Any]:
    doc = {
        "address": c.address,
        "type": c.type,
        "name": c.name,
        "actions": c.action.json_actions,
        "reason": c.reason,
        "before": resource_json(c.before) if c.before else None,
        "after": resource_json(c.after) if c.after else None,
        "attributes": [
            {
                "path": a.path,
                "kind": a.kind,
                "before": a.before,
                "after": a.after,
                "sensitive": a.sensitive,
                "forces_replacement": a.forces_replacement,
            }
            for a in c.attributes
        ],
        "importing": None if c.importing is None else {"id": c.importing},
    }
    if c.previous_address is not None:  # Terraform's key for a `moved` resource
        doc["previous_address"] = c.previous_address
    return doc


def plan_json(plan: Plan, *, version: str = "") -> dict[str, Any]:
    """The versioned JSON document of a plan (no secret values: only digests)."""
    o = plan.options
    return {
        "format_version": plan.format_version,
        "stackctl_version": version,
        "project": plan.project,
        "lineage": plan.lineage,
        "serial": plan.serial,
        "config_digest": plan.config_digest,
        "options": {
            "destroy": o.destroy,
            "targets": list(o.targets),
            "excludes": list(o.excludes),
            "replace": list(o.replace),
            "allow_destroy": list(o.allow_destroy),
            "refresh": o.refresh,
        },
        "summary": {**plan.counts(), "unchanged": plan.unchanged},
        "resource_changes": [change_json(c) for c in plan.changes],
        "drift": [
            {"address": d.address, "detail": d.detail, "exists": d.exists} for d in plan.drift
        ],
        "interrupted": [
            {"address": i.address, "action": i.action, "since": i.since} for i in plan.interrupted
        ],
        "edges": [list(e) for e in plan.edges],
    }


def plan_from_json(data: Mapping[str, Any]) -> Plan:
    """Rebuild a Plan; PlanError when the document does not have the expected shape."""
    if data.get("format_version", "").split(".")[0] != FORMAT_VERSION.split(".")[0]:
        raise PlanError(
            f"plan format {data.get('format_version')!r} is not supported "
            f"(this stackctl reads {FORMAT_VERSION})",
            hint="make a new plan with this stackctl: `stackctl plan --out FILE`",
        )
    try:
        o = data["options"]
        changes = tuple(
            Change(
                address=c["address"],
                action=_BY_ACTIONS[tuple(c["actions"])],
                reason=c["reason"],
                before=_resource(c.get("previous_address") or c["address"], c["before"]),
                after=_resource(c["address"], c["after"]),
                attributes=tuple(AttributeChange(**a) for a in c["attributes"]),
                previous_address=c.get("previous_address"),
                importing=(c.get("importing") or {}).get("id"),
            )
            for c in data["resource_changes"]
        )
        return Plan(
            lineage=data["lineage"],
            serial=int(data["serial"]),
            config_digest=data["config_digest"],
            changes=changes,
            unchanged=int(data["summary"]["unchanged"]),
            drift=tuple(Drift(d["address"], d["detail"], d["exists"]) for d in data["drift"]),
            interrupted=tuple(Interrupted(**i) for i in data["interrupted"]),
            edges=tuple((a, b) for a, b in data["edges"]),
            options=PlanOptions(
                destroy=bool(o["destroy"]),
                targets=tuple(o["targets"]),
                excludes=tuple(o["excludes"]),
                replace=tuple(o["replace"]),
                allow_destroy=tuple(o["allow_destroy"]),
                refresh=bool(o["refresh"]),
            ),
            project=data.get("project", ""),
            format_version=data["format_version"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanError(
            f"the plan document is malformed ({type(exc).__name__}: {one_line(exc)})",
            hint="make a new plan: `stackctl plan --out FILE`",
        ) from None
