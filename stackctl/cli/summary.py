"""The end-of-run summary of `stackctl run`: each step, its status and its outputs.

Previews load an output only when it is small (``_MAX_BYTES``): the summary must stay
instant after a run that wrote gigabytes. Bigger outputs show their type and size.
(Computing the preview in the worker, where the value is in memory, needs a column in
the run record's state schema: a follow-up.)
"""

from __future__ import annotations

from typing import Any

from stackctl.cli import render
from stackctl.model import ArtifactRecord, Run

_MAX_BYTES = 1 << 20


def rows(project: Any, run: Run) -> list[dict[str, Any]]:
    """Steps with status, duration, cached, and outputs (name, uri, type, preview)."""
    from stackctl import launch
    from stackctl.runtime import materializers
    from stackctl.runtime.previews import preview

    state = project.read_state()
    by_step: dict[str, list[ArtifactRecord]] = {}
    for record in state.artifacts(run.id):
        by_step.setdefault(record.step, []).append(record)
    store = launch.artifact_store_of(project, run)

    def shown(record: ArtifactRecord) -> str:
        if record.size > _MAX_BYTES:
            return f"{record.type.rsplit('.', 1)[-1]} ({record.size} bytes)"
        try:
            value = materializers.by_name(record.materializer).load(store, record.uri)
        except Exception:  # a summary never fails the command that ran the pipeline
            return record.type.rsplit(".", 1)[-1]
        return preview(value)

    return [
        {
            "step": step.step,
            "status": step.status.value,
            "duration_s": step.duration_s,
            "cached": bool(step.cached_from),
            "outputs": [
                {"name": r.name, "uri": r.uri, "type": r.type, "preview": shown(r)}
                for r in by_step.get(step.step, [])
            ],
        }
        for step in state.steps(run.id)
    ]


def show(steps: list[dict[str, Any]]) -> None:
    table = []
    for step in steps:
        outputs = "; ".join(f"{o['name']}={o['preview']}" for o in step["outputs"])
        duration = f"{step['duration_s']:.2f}s" if step["duration_s"] is not None else ""
        cached = "cached" if step["cached"] else ""
        table.append([step["step"], step["status"], duration, cached, outputs])
    render.table(None, ["step", "status", "duration", "cached", "outputs"], table)
