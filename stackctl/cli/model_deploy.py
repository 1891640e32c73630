"""`stackctl model deploy NAME[:REF] | deployments | undeploy NAME[:VERSION] | --all`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from stackctl.cli import options, render
from stackctl.timefmt import when

_COLUMNS = ("model", "version", "status", "url", "pid", "deployer", "started_at")


def register(model_app: typer.Typer) -> None:
    model_app.command("deploy")(deploy)
    model_app.command("deployments")(deployments)
    model_app.command("undeploy")(undeploy)


def _project() -> Any:
    from stackctl.cli.context import open_project

    return open_project()


def deploy(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="NAME[:VERSION|STAGE|latest]", help="A model version (default: latest)."
        ),
    ],
    port: Annotated[
        int | None, typer.Option("--port", "-p", help="Port on 127.0.0.1 (default: a free one).")
    ] = None,
    json: options.Json = False,
) -> None:
    """Serve a model version with the active stack's model deployer, on loopback.
    Returns once the server answers; prints its URL."""
    from stackctl.catalog.deployments import deploy as start

    row = start(_project(), ref, port)
    if json:
        render.emit_json(row)
    else:
        render.out(f"{row['model']}:{row['version']} serving at {row['url']} (pid {row['pid']})")
        render.out(f"  predict: POST {row['url']}/invocations  log: {row['log']}")


def deployments(json: options.Json = False) -> None:
    """Model servers started by `model deploy`, each running or dead."""
    from stackctl.catalog.deployments import deployment_rows

    rows = deployment_rows(_project())
    if json:
        render.emit_json(rows)
    elif not rows:
        render.out("no deployments: start one with `stackctl model deploy NAME[:VERSION]`")
    else:
        render.table(
            None,
            ["MODEL", "VERSION", "STATUS", "URL", "PID", "DEPLOYER", "STARTED"],
            [[when(r[k]) if k == "started_at" else r[k] for k in _COLUMNS] for r in rows],
        )


def undeploy(
    ref: Annotated[
        str | None,
        typer.Argument(metavar="NAME[:VERSION]", help="A deployment (every version of NAME)."),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Stop every deployment.")] = False,
    json: options.Json = False,
) -> None:
    """Stop model servers (their whole process group) and forget them."""
    from stackctl.catalog.deployments import undeploy as stop

    rows = stop(_project(), ref, all_)
    if json:
        render.emit_json(rows)
    elif not rows:
        render.out("no deployments to stop")
    else:
        for r in rows:
            render.out(f"{r['model']}:{r['version']} stopped ({r['url']})")
