"""Model objects to and from the JSON every store persists.

All stores (memory included) go through these functions, so a value that would not
survive SQLite or PostgreSQL fails in the unit tests too (tuples come back as lists).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from stackctl.errors import StateError
from stackctl.model import (
    ArtifactRecord,
    HistoryEntry,
    Lifecycle,
    Resource,
    Run,
    RunStatus,
    StepRun,
)


def dumps(value: Any, what: str) -> str:
    """Canonical JSON (sorted keys); ``what`` names the value in the error."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StateError(
            f"cannot store {what}: {exc}",
            hint="only JSON values (str, int, float, bool, None, list, dict) go into state",
        ) from exc


def loads(text: str | None) -> Any:
    return json.loads(text) if text else None


def resource_to_row(resource: Resource) -> dict[str, Any]:
    """Column values for the resources table (JSON columns as text)."""
    return {
        "address": resource.address,
        "type": resource.type,
        "name": resource.name,
        "flavor": resource.flavor,
        "config": dumps(dict(resource.config), f"{resource.address} config"),
        "outputs": dumps(dict(resource.outputs), f"{resource.address} outputs"),
        "lifecycle": dumps({"prevent_destroy": resource.lifecycle.prevent_destroy}, "lifecycle"),
        "depends_on": dumps(list(resource.depends_on), f"{resource.address} depends_on"),
    }


def resource_from_row(row: Mapping[str, Any]) -> Resource:
    lifecycle = loads(row["lifecycle"]) or {}
    return Resource(
        address=row["address"],
        type=row["type"],
        name=row["name"],
        flavor=row["flavor"],
        config=loads(row["config"]) or {},
        outputs=loads(row["outputs"]) or {},
        lifecycle=Lifecycle(prevent_destroy=bool(lifecycle.get("prevent_destroy", False))),
        depends_on=tuple(loads(row["depends_on"]) or ()),
    )


def resources_to_json(resources: Mapping[str, Resource]) -> str:
    """A whole snapshot as one JSON document (the snapshots table)."""
    return dumps([resource_to_row(r) for _, r in sorted(resources.items())], "snapshot")


def resources_from_json(text: str) -> dict[str, Resource]:
    rows = loads(text) or []
    return {row["address"]: resource_from_row(row) for row in rows}


def history_to_row(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "serial": entry.serial,
        "at": entry.at,
        "who": entry.who,
        "operation": entry.operation,
        "summary": entry.summary,
        "changes": dumps(list(entry.changes), "history changes"),
    }


def history_from_row(row: Mapping[str, Any]) -> HistoryEntry:
    return HistoryEntry(
        serial=int(row["serial"]),
        at=row["at"],
        who=row["who"],
        operation=row["operation"],
        summary=row["summary"],
        changes=tuple(loads(row["changes"]) or ()),
    )


def run_to_row(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "pipeline": run.pipeline,
        "stack": run.stack,
        "status": str(run.status),
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "stack_snapshot": dumps(dict(run.stack_snapshot), f"run {run.id} stack snapshot"),
        "pipeline_version": run.pipeline_version,
        "params": dumps(dict(run.params), f"run {run.id} params"),
        "extra": dumps(dict(run.extra), f"run {run.id} extra"),
    }


def run_from_row(row: Mapping[str, Any]) -> Run:
    return Run(
        id=row["id"],
        pipeline=row["pipeline"],
        stack=row["stack"],
        status=RunStatus(row["status"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        stack_snapshot=loads(row["stack_snapshot"]) or {},
        pipeline_version=row["pipeline_version"],
        params=loads(row["params"]) or {},
        extra=loads(row["extra"]) or {},
    )


def step_to_row(step: StepRun) -> dict[str, Any]:
    return {
        "run_id": step.run_id,
        "step": step.step,
        "status": str(step.status),
        "started_at": step.started_at,
        "finished_at": step.finished_at,
        "duration_s": step.duration_s,
        "attempts": step.attempts,
        "cache_key": step.cache_key,
        "cache_parts": dumps(dict(step.cache_parts), f"step {step.step} cache parts"),
        "cached_from": step.cached_from,
        "error": step.error,
        "log_uri": step.log_uri,
    }


def step_from_row(row: Mapping[str, Any]) -> StepRun:
    duration = row["duration_s"]
    return StepRun(
        run_id=row["run_id"],
        step=row["step"],
        status=RunStatus(row["status"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        duration_s=None if duration is None else float(duration),
        attempts=int(row["attempts"]),
        cache_key=row["cache_key"],
        cache_parts=loads(row["cache_parts"]) or {},
        cached_from=row["cached_from"],
        error=row["error"],
        log_uri=row["log_uri"],
    )


def artifact_to_row(artifact: ArtifactRecord) -> dict[str, Any]:
    return {
        "run_id": artifact.run_id,
        "step": artifact.step,
        "name": artifact.name,
        "uri": artifact.uri,
        "digest": artifact.digest,
        "size": artifact.size,
        "materializer": artifact.materializer,
        "type": artifact.type,
        "producer_run_id": artifact.producer_run_id,
        "preview": artifact.preview,
    }


def artifact_from_row(row: Mapping[str, Any]) -> ArtifactRecord:
    return ArtifactRecord(
        run_id=row["run_id"],
        step=row["step"],
        name=row["name"],
        uri=row["uri"],
        digest=row["digest"],
        size=int(row["size"]),
        materializer=row["materializer"],
        type=row["type"],
        producer_run_id=row["producer_run_id"],
        preview=row.get("preview") or "",
    )
