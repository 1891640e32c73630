"""`stackctl runs ...` and `stackctl artifacts ...`: what ran, where, and what it wrote."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

from stackctl.cli import options, render
from stackctl.model import cache_source

runs_app = typer.Typer(help="Pipeline runs recorded in state.", no_args_is_help=True)
artifacts_app = typer.Typer(help="Artifacts written by runs.", no_args_is_help=True)

RunId = Annotated[
    str, typer.Argument(help="Run id: a unique prefix is enough; `latest` is the newest run.")
]
RunStatusChoice = enum.Enum(  # type: ignore[misc]
    "RunStatusChoice",
    {s: s for s in ("running", "completed", "failed", "cancelled", "interrupted")},
    type=str,
)


def register(app: typer.Typer) -> None:
    app.add_typer(runs_app, name="runs")
    app.add_typer(artifacts_app, name="artifacts")


@runs_app.command("list")
def list_runs(
    stack: Annotated[
        str | None, typer.Option("--stack", "-s", help="Only runs on this stack.")
    ] = None,
    pipeline: Annotated[
        str | None, typer.Option("--pipeline", "-p", help="Only this pipeline.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="At most this many runs.")
    ] = 50,
    status: Annotated[
        RunStatusChoice | None,
        typer.Option("--status", help="Only runs with this status (as shown)."),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            "-c",
            help="Metadata keys to show per run (comma-separated or repeated; a.b for nested).",
        ),
    ] = None,
    json: options.Json = False,
) -> None:
    """Runs, newest first."""
    from stackctl.cli import run_metadata
    from stackctl.cli.context import open_project
    from stackctl.runtime.liveness import matching_runs

    state = open_project().read_state()
    found = matching_runs(state, stack, pipeline, status and status.value, limit)
    keys = run_metadata.split_columns(columns)
    rows: list[dict[str, Any]] = [
        {
            "id": r.id,
            "pipeline": r.pipeline,
            "stack": r.stack,
            "status": shown,
            "started": r.started_at,
            "finished": r.finished_at or "",
            **({"metadata": run_metadata.column_values(state, r, keys)} if keys else {}),
        }
        for r, shown in found
    ]
    if json:
        render.emit_json(rows)
        return
    from stackctl.timefmt import when

    render.table(
        None,
        ["run", "pipeline", "stack", "status", "started", *keys],
        [
            [r["id"][:8], r["pipeline"], r["stack"], r["status"], when(r["started"])]
            + [run_metadata.column_text(r["metadata"][k]) for k in keys]
            for r in rows
        ],
    )


@runs_app.command("show")
def show_run(run_id: RunId, json: options.Json = False) -> None:
    """A run's steps (status, duration, cache), artifacts and metadata."""
    from stackctl.cli import run_metadata
    from stackctl.cli.context import open_project
    from stackctl.runtime.liveness import effective_status, step_status
    from stackctl.state.clock import database_now

    state = open_project().read_state()
    run = state.run(run_id)
    shown = effective_status(run, database_now(state))
    steps, artifacts = state.steps(run.id), state.artifacts(run.id)
    if json:
        render.emit_json(
            {
                "id": run.id,
                "pipeline": run.pipeline,
                "stack": run.stack,
                "status": shown,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "params": dict(run.params),
                "pipeline_version": run.pipeline_version,
                "stack_snapshot": dict(run.stack_snapshot),
                "extra": dict(run.extra),
                "steps": [
                    {
                        "step": s.step,
                        "status": step_status(s, shown),
                        "duration_s": s.duration_s,
                        "attempts": s.attempts,
                        "cached_from": s.cached_from,
                        "error": s.error,
                        "extra": dict(getattr(s, "extra", {}) or {}),
                    }
                    for s in steps
                ],
                "artifacts": [a.__dict__ for a in artifacts],
                **run_metadata.named_json(state, run),
            }
        )
        return
    from stackctl.timefmt import when

    render.out(  # as people read times; --json keeps the stored ISO timestamps
        f"run {run.id}\n  pipeline {run.pipeline}\n  stack    {run.stack}\n"
        f"  status   {shown}\n  started  {when(run.started_at)}\n"
        f"  finished {when(run.finished_at) or '-'}"
    )
    tracker = run.extra.get("experiment_tracker")
    if isinstance(tracker, dict):
        # {"name": component, "runs": {step: tracker run id}}: one line per tracked step
        for step_name, tracked in sorted((tracker.get("runs") or {}).items()):
            render.out(f"  tracker  {tracker.get('name', '')} run {tracked} (step {step_name})")
    for step_name, where in sorted((run.extra.get("ran_on") or {}).items()):
        # {step: {executor, address, pid}}: steps whose workers were elsewhere (issue 15)
        render.out(f"  ran on   {render.ran_on(where)} (step {step_name})")
    for key, value in sorted(run.extra.items()):
        if key not in ("pid", "host", "experiment_tracker", "edges", "beat", "lease_s", "ran_on"):
            render.out(f"  {key} {value}")
    render.out("")
    render.table(
        None,
        ["step", "status", "duration", "attempts", "note"],
        [
            [
                s.step,
                step_status(s, shown),
                f"{s.duration_s:.2f}s" if s.duration_s is not None else "",
                s.attempts,
                s.error
                or (
                    f"cached from {src}"
                    if (src := cache_source(s.run_id, s.step, s.cached_from))
                    else ""
                ),
            ]
            for s in steps
        ],
    )
    if artifacts:
        render.out("")
        from stackctl.runtime.previews import shown_preview

        render.table(
            None,
            ["artifact", "materializer", "size", "digest", "preview"],
            [
                [
                    f"{a.step}.{a.name}",
                    a.materializer,
                    a.size,
                    a.digest[:12],
                    shown_preview(a.preview, a.type),
                ]
                for a in artifacts
            ],
        )
    run_metadata.print_named(state, run)


@runs_app.command("logs")
def logs(
    run_id: RunId,
    step: Annotated[str | None, typer.Argument(help="Only this step.")] = None,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow",
            "-f",
            help="Keep printing new lines while the step (or, without STEP, the run) "
            "goes on; ends when it finishes, is cancelled or interrupted.",
        ),
    ] = False,
) -> None:
    """Each step's captured stdout/stderr and log records."""
    from stackctl import launch
    from stackctl.cli.context import open_project
    from stackctl.errors import NotFoundError
    from stackctl.runtime.steplog import read_log

    project = open_project()
    state = project.read_state()
    run = state.run(run_id)
    steps = [s for s in state.steps(run.id) if step is None or s.step == step]
    if step is not None and not steps:
        raise NotFoundError(
            f"run {run.id[:8]} has no step {step!r}", hint=f"see `stackctl runs show {run.id[:8]}`"
        )
    if follow:
        from stackctl.cli.logs_follow import follow_logs

        follow_logs(state, launch.artifact_store_of(project, run), run.id, step)
        return
    from stackctl.runtime.liveness import effective_status, step_status
    from stackctl.state.clock import database_now

    store, shown = None, effective_status(run, database_now(state))
    for s in steps:
        render.out(
            f"==> run {run.id[:8]} | stack {run.stack} | step {s.step} "
            f"({step_status(s, shown)}) <=="
        )
        if not s.log_uri:
            render.out("(no output)")
            continue
        store = store or launch.artifact_store_of(project, run)
        text = read_log(store, s.log_uri).decode("utf-8", "replace")
        render.out(text if text else "(no output yet)")


@runs_app.command("explain-cache")
def explain_cache(
    run_id: RunId,
    step: Annotated[str, typer.Argument(help="Step name.")],
    json: options.Json = False,
) -> None:
    """Each part of a step's cache key, and which changed since the previous run."""
    from stackctl.cli.context import open_project
    from stackctl.runtime.cache import explain_cache as explain

    e = explain(open_project().read_state(), run_id, step)
    if json:
        render.emit_json(
            {
                **e.__dict__,
                "status": e.status.value,
                "parts": dict(e.parts),
                "previous_parts": dict(e.previous_parts),
                "changed": list(e.changed),
            }
        )
        return
    render.out(
        f"step {e.step} of run {e.run_id[:8]}: {e.status.value}"
        + (f" (from {source})" if (source := cache_source(e.run_id, e.step, e.cached_from)) else "")
    )
    render.out(f"cache key {e.key}")
    prev = f"run {e.previous_run_id[:8]}" if e.previous_run_id else "no previous run"
    rows = []
    for part in sorted(e.parts.keys() | e.previous_parts.keys()):
        mark = "changed" if part in e.changed else ""
        rows.append([part, e.parts.get(part, "-")[:16], e.previous_parts.get(part, "-")[:16], mark])
    render.table(f"compared with {prev}", ["part", "now", "before", ""], rows)
    if e.previous_run_id and not e.changed:
        render.out("nothing changed since the previous run")


@artifacts_app.command("list")
def list_artifacts(run_id: RunId, json: options.Json = False) -> None:
    """Every artifact a run wrote or reused."""
    from stackctl.cli.context import open_project

    state = open_project().read_state()
    run = state.run(run_id)
    artifacts = state.artifacts(run.id)
    if json:
        render.emit_json([a.__dict__ for a in artifacts])
        return
    render.table(
        None,
        ["artifact", "type", "materializer", "size", "uri"],
        [[f"{a.step}.{a.name}", a.type, a.materializer, a.size, a.uri] for a in artifacts],
    )


@artifacts_app.command("get")
def get_artifact(
    run_id: RunId,
    ref: Annotated[
        str, typer.Argument(help="STEP.OUTPUT, e.g. evaluate.output (STEP: its only output)")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the bytes to this file (`-`: stdout)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the -o file when it already exists.")
    ] = False,
) -> None:
    """Print an artifact (JSON/text) or save its stored bytes with -o."""
    import sys

    from stackctl import launch
    from stackctl.cli.context import open_project
    from stackctl.engine.outpath import check_writable, is_stdout
    from stackctl.errors import StackctlError
    from stackctl.runtime.client import read_artifact

    step, dot, name = ref.partition(".")
    if not step or (dot and not name):
        raise StackctlError(
            f"{ref!r} is not STEP.OUTPUT", hint="e.g. `stackctl artifacts get RUN evaluate.output`"
        )
    if output is not None and is_stdout(output):
        output = None
    if output is not None:  # refuse before reading anything
        check_writable(
            output,
            may_replace=lambda _path: force,
            refuse="it exists",
            hint="pass --force to replace it, or choose another file with -o FILE",
        )
    project = open_project()
    state = project.read_state()
    run = state.run(run_id)
    if not dot:  # just STEP: fine when the step has one output
        names = [a.name for a in state.artifacts(run.id) if a.step == step]
        if len(names) != 1:
            raise StackctlError(
                f"step {step!r} of run {run.id[:8]} has "
                + (f"{len(names)} outputs ({', '.join(names)})" if names else "no outputs"),
                hint=f"name one: `stackctl artifacts get {run.id[:8]} {step}.OUTPUT`",
            )
        name, ref = names[0], f"{step}.{names[0]}"
    data = read_artifact(state, launch.artifact_store_of(project, run), run.id, step, name)
    if output is not None:
        _save(data, output)
        render.out(f"wrote {len(data)} bytes to {output}")
    elif sys.stdout.isatty() and b"\0" in data[:1024]:
        # a DataFrame or array: its recorded shape beats an error (never unpickled here)
        shown = next(
            (a.preview for a in state.artifacts(run.id) if a.step == step and a.name == name),
            "",
        )
        if shown:
            render.out(f"{ref}: {shown} (save the bytes with -o FILE)")
            return
        raise StackctlError(
            "artifact is binary",
            hint=f"save it with -o FILE: `stackctl artifacts get {run.id[:8]} {ref} -o FILE`",
        )
    else:
        sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")


def _save(data: bytes, output: Path) -> None:
    """Write atomically (temp + rename); an unwritable path is a one-line error."""
    from stackctl.engine.outpath import write_atomic
    from stackctl.errors import StackctlError

    try:
        write_atomic(output, data)
    except OSError as exc:
        raise StackctlError(
            f"cannot write {output}: {exc.strerror}", hint="choose a writable file with -o FILE"
        ) from None
