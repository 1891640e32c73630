"""`stackctl model list | versions NAME | show NAME[:REF] | promote NAME VERSION --stage S`
(deploy / deployments / undeploy: cli/model_deploy.py)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from stackctl.cli import options, render
from stackctl.timefmt import when

model_app = typer.Typer(
    help="Model versions made by pipelines with `model:`, and their stages.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    from stackctl.cli import model_deploy

    model_deploy.register(model_app)
    app.add_typer(model_app, name="model")


def _project() -> Any:
    from stackctl.cli.context import open_project

    return open_project()


def _stages(stages: dict[str, int]) -> str:
    return ", ".join(f"{s}: v{v}" for s, v in sorted(stages.items())) or "-"


@model_app.command("list")
def list_(json: options.Json = False) -> None:
    """Every model with its latest version and who holds each stage."""
    from stackctl.catalog.models import model_rows

    rows = model_rows(_project())
    if json:
        render.emit_json(rows)
    elif not rows:
        render.out("no models yet: give a pipeline `model: NAME` and run it")
    else:
        render.table(
            None,
            ["NAME", "LATEST", "STAGES", "DESCRIPTION"],
            [[r["name"], r["latest"], _stages(r["stages"]), r["description"]] for r in rows],
        )


@model_app.command("versions")
def versions(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Model name.")],
    json: options.Json = False,
) -> None:
    """The versions of a model, newest first."""
    from stackctl.catalog.models import version_rows

    rows = version_rows(_project(), name)
    if json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["VERSION", "STAGE", "RUN", "PIPELINE", "CREATED"],
        [
            [r["version"], r["stage"] or "-", r["run_id"][:8], r["pipeline"], when(r["created_at"])]
            for r in rows
        ],
    )


@model_app.command("show")
def show(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="NAME[:VERSION|STAGE|latest]", help="A model version (default: latest)."
        ),
    ],
    json: options.Json = False,
) -> None:
    """A model version: its run, artifacts, metadata and stage history."""
    from stackctl.catalog.models import model_detail
    from stackctl.cli.model_render import detail_text

    detail = model_detail(_project(), ref)
    if json:
        render.emit_json(detail)
    else:
        render.out(detail_text(detail))


@model_app.command("promote")
def promote(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Model name.")],
    version: Annotated[str, typer.Argument(metavar="VERSION", help="Version number.")],
    stage: Annotated[str, typer.Option("--stage", "-s", help="staging, production or archived.")],
    json: options.Json = False,
) -> None:
    """Move a version to a stage; the previous holder of staging/production is archived.
    Asks nothing; prints every version that moved."""
    from dataclasses import asdict

    from stackctl.catalog.models import promote as promote_version
    from stackctl.cli.model_render import changes_text

    changes = promote_version(_project(), name, version, stage)
    if json:
        render.emit_json([asdict(c) for c in changes])
    else:
        render.out(changes_text(name, version, stage, changes))
