"""What `runs show` and `runs list --columns` add for named artifacts and metadata."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stackctl.cli import render
from stackctl.cli.metadata_render import print_metadata, value_text
from stackctl.model import Run
from stackctl.runtime.metadata_view import column, output_metadata, run_metadata, step_metadata
from stackctl.state.base import StateStore


def split_columns(columns: Sequence[str] | None) -> list[str]:
    """``--columns a,b --columns c`` -> [a, b, c] (blank entries dropped)."""
    return [c.strip() for given in columns or () for c in given.split(",") if c.strip()]


def column_values(state: StateStore, run: Run, columns: Sequence[str]) -> dict[str, Any]:
    if not columns:
        return {}
    entries = state.metadata(run.id)
    return {c: column(entries, c) for c in columns}


def column_text(value: Any) -> str:
    """A table cell: floats to 4 significant digits (--json keeps every digit)."""
    if value is None:
        return ""
    return f"{value:.4g}" if isinstance(value, float) else value_text(value)


def named_json(state: StateStore, run: Run) -> dict[str, Any]:
    entries = state.metadata(run.id)
    return {
        "metadata": {
            "run": run_metadata(entries),
            "steps": step_metadata(entries),
            "outputs": {f"{s}.{o}": v for (s, o), v in output_metadata(entries).items()},
        },
        "named_artifacts": [
            {"name": v.name, "version": v.version, "step": v.step, "output": v.output}
            for v in state.artifact_versions_for_run(run.id)
        ],
        "artifact_inputs": [
            {"step": i.step, "input": i.arg, "name": i.artifact, "version": i.version}
            for i in state.step_inputs(run.id)
            if i.artifact
        ],
    }


def print_named(state: StateStore, run: Run) -> None:
    """Named versions the run published and used, then run and step metadata."""
    published = state.artifact_versions_for_run(run.id)
    used = [i for i in state.step_inputs(run.id) if i.artifact]
    if published or used:
        render.out("")
        render.table(
            None,
            ["named artifact", "step", "direction"],
            [[v.label, f"{v.step}.{v.output}", "published"] for v in published]
            + [[f"{i.artifact}:{i.version}", f"{i.step}({i.arg})", "used"] for i in used],
        )
    entries = state.metadata(run.id)
    run_values, steps = run_metadata(entries), step_metadata(entries)
    if run_values or steps:
        render.out("")
        print_metadata("metadata (run)", run_values, "  ")
        for step, values in steps.items():
            print_metadata(f"metadata (step {step})", values, "  ")
