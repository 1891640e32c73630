"""The end-of-run summary of `stackctl run`: each step, its status and its outputs.

Previews come from state: the worker computed each one when it wrote the output (where
the value was in memory). The CLI never loads an artifact to describe it: loading a
pickle here would be slow for big outputs and would run the artifact's code. Runs from
before previews were recorded show the output's type.
"""

from __future__ import annotations

from typing import Any

from stackctl.cli import render
from stackctl.model import ArtifactRecord, Run, cache_source


def rows(project: Any, run: Run) -> list[dict[str, Any]]:
    """Steps with status, duration, cached, and outputs (name, uri, type, preview)."""
    from stackctl.runtime.previews import shown_preview

    state = project.read_state()
    by_step: dict[str, list[ArtifactRecord]] = {}
    for record in state.artifacts(run.id):
        by_step.setdefault(record.step, []).append(record)
    return [
        {
            "step": step.step,
            "status": step.status.value,
            "duration_s": step.duration_s,
            "cached": bool(step.cached_from),
            "cached_from": step.cached_from,  # "run_id/step" of the producer, "" if none
            "outputs": [
                {
                    "name": r.name,
                    "uri": r.uri,
                    "type": r.type,
                    "preview": shown_preview(r.preview, r.type),
                }
                for r in by_step.get(step.step, [])
            ],
        }
        for step in state.steps(run.id)
    ]


def show(run_id: str, steps: list[dict[str, Any]]) -> None:
    table = []
    for step in steps:
        outputs = "; ".join(f"{o['name']}={o['preview']}" for o in step["outputs"])
        duration = f"{step['duration_s']:.2f}s" if step["duration_s"] is not None else ""
        source = cache_source(run_id, step["step"], step["cached_from"])
        cached = f"from {source}" if source else ""
        table.append([step["step"], step["status"], duration, cached, outputs])
    render.table(None, ["step", "status", "duration", "cached", "outputs"], table)
