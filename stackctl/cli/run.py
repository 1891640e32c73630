"""`stackctl run PIPELINE`: run a declared pipeline, or a ``@pipeline`` function given as
MODULE:FUNCTION, on the active (or given) stack."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import options, render


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(
    pipeline: Annotated[
        str,
        typer.Argument(
            help="Name of a pipeline in pipelines/*.yaml, or MODULE:FUNCTION of a "
            "@pipeline function (e.g. run:training for run.py)."
        ),
    ],
    stack: options.StackOpt = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Override a pipeline param: NAME=VALUE."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Run every step, ignore the cache.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Hide what the steps print and log.")
    ] = False,
    json: options.Json = False,
    var: options.Vars = None,
    var_file: options.VarFiles = None,
) -> None:
    """Run PIPELINE; every step output is persisted in the stack's artifact store."""
    from stackctl import launch
    from stackctl.cli import signals
    from stackctl.cli.context import open_project
    from stackctl.cli.progress import StepProgress
    from stackctl.config.load import parse_var
    from stackctl.errors import RunCancelled
    from stackctl.lines import streaming

    project = open_project(var, var_file)
    params = dict(parse_var(p, flag="--param") for p in param or [])
    spec = launch.pipeline_for(project, pipeline)
    stack_name = launch.stack_for(project, spec, stack)
    try:
        with (
            StepProgress(spec.name, stack_name or "", quiet=json) as progress,
            # step lines are the program's output but not its result: stderr, like the
            # progress lines, so `--json` stdout stays pure JSON and `| jq` works
            streaming(None if quiet or json else progress.line),
        ):
            result = launch.run(
                project,
                spec,
                stack=stack,
                params=params,
                cache=not no_cache,
                on_event=progress.update,
            )
    except RunCancelled as stop:  # Ctrl-C / SIGTERM: recorded cancelled; no traceback
        signals.close_run(stop.run_id, stop.stack)
        raise typer.Exit(130) from None
    from stackctl.cli import summary

    steps = summary.rows(project, result)
    if json:
        render.emit_json(
            {
                "id": result.id,
                "pipeline": result.pipeline,
                "stack": result.stack,
                "status": result.status.value,
                "steps": steps,
            }
        )
    else:
        summary.show(result.id, steps)
        render.out(f"run {result.id} on stack {result.stack}: {result.status.value}")
