"""`stackctl import ADDR ID`: adopt something that already exists into state."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import options, render


def register(app: typer.Typer) -> None:
    app.command("import")(import_)


def import_(
    address: Annotated[
        str,
        typer.Argument(
            help="A declared address, e.g. artifact_store.s3.", metavar="ADDR", show_default=False
        ),
    ],
    id: Annotated[
        str,
        typer.Argument(
            help="What exists: a folder, s3://bucket/prefix, a tracking URI, a scheduler address.",
            metavar="ID",
            show_default=False,
        ),
    ],
    vars_: options.Vars = None,
    var_files: options.VarFiles = None,
    lock_timeout: options.LockTimeout = 0.0,
) -> None:
    """Adopt ID as the declared ADDR after its provisioner checks it (state only)."""
    from stackctl.cli.context import open_project
    from stackctl.cli.planning import Planner
    from stackctl.engine.changes import PlanOptions
    from stackctl.engine.imports import import_resource

    planner = Planner(open_project(vars_, var_files), PlanOptions())
    project = planner.project
    adopted, state = import_resource(
        project.state(),
        planner.desired,
        address,
        id,
        root=project.root,
        secrets=planner.secrets,
        lock_timeout=lock_timeout,
    )
    render.out(f"{address}: imported {id} (serial {state.serial}); reality is untouched.")
    for key, value in sorted(adopted.outputs.items()):
        render.out(f"  {key} = {value}")
    render.out("Next:\n  stackctl plan   (shows no change for it when the config matches)")
