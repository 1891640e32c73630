"""`stackctl plan`: show what apply would change (and optionally save it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stackctl.cli import options, render
from stackctl.cli import plan_options as po

if TYPE_CHECKING:
    from stackctl.engine.changes import Plan


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)


def plan(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Save the plan to this file (`-` for standard output). An existing file "
            "is replaced only when it is a plan file.",
        ),
    ] = None,
    json: options.Json = False,
    fmt: Annotated[str, typer.Option("--format", help="text or markdown.")] = "text",
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="Exit 2 when there are changes.")
    ] = False,
    destroy: po.Destroy = False,
    target: po.Targets = None,
    exclude: po.Excludes = None,
    replace: po.Replaces = None,
    allow_destroy: po.AllowDestroy = None,
    var: options.Vars = None,
    var_file: options.VarFiles = None,
    refresh: po.Refresh = True,
    lock_timeout: options.LockTimeout = 0.0,  # plan reads without the lock; kept for parity
) -> None:
    """Compare the configuration with state (and reality) and show the changes."""
    from stackctl.cli.context import open_project
    from stackctl.cli.planning import Planner, version
    from stackctl.engine import planfile
    from stackctl.engine.outpath import is_stdout

    opts = po.plan_options(
        destroy=destroy,
        target=target,
        exclude=exclude,
        replace=replace,
        allow_destroy=allow_destroy,
        refresh=refresh,
    )
    project = open_project(var, var_file)
    env = project.env.name if project.env else ""
    planner = Planner(project, opts)
    the_plan = planner.plan_now()
    if planner.running is not None:  # on stderr: never inside --json or a plan on stdout
        render.err(
            f"note: another apply is in progress ({planner.running.describe()}); this plan "
            "is against the state before it ends: plan again once it has finished"
        )
    if out is not None and is_stdout(out):  # the plan file is the output
        render.out(planfile.dumps(the_plan, version=version(), environment=env).rstrip("\n"))
    else:
        if out is not None:
            planfile.save(the_plan, out, version=version(), environment=env)
        if env and not json:  # which state this plan is for, before anything else
            render.out(f"Environment: {env}")
        _show_and_say(the_plan, out, json=json, fmt=fmt)
    if detailed_exitcode and not the_plan.empty:
        raise typer.Exit(2)


def _show_and_say(the_plan: Plan, out: Path | None, *, json: bool, fmt: str) -> None:
    from stackctl.cli.plan_output import show_plan

    show_plan(the_plan, json=json, fmt=fmt)
    if out is not None and not json:
        typer.echo(
            f"Saved the plan to {out}; apply exactly it with `stackctl apply {out}`.", err=True
        )
