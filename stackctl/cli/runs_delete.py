"""`stackctl runs delete RUN...`: forget runs (and, with --artifacts, what only they used)."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import options


def register(runs_app: typer.Typer) -> None:
    runs_app.command("delete")(delete)


def delete(
    runs: Annotated[
        list[str],
        typer.Argument(help="Run ids (a unique prefix is enough; `latest` is the newest run)."),
    ],
    artifacts: Annotated[
        bool,
        typer.Option("--artifacts", help="Also delete the objects only these runs pointed at."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Delete a run even when a model version links it.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List each object deleted.")
    ] = False,
    json: options.Json = False,
    lock_timeout: options.LockTimeout = 0.0,
) -> None:
    """Delete run records: steps, artifact records, metadata and inputs (never a running run).

    Named versions the runs published stay, with their objects. A run a model version
    links is refused unless --force.
    """
    from stackctl.catalog.cleanup import delete_runs
    from stackctl.cli import cleanup_render, render
    from stackctl.cli.context import open_project

    result = delete_runs(
        open_project(), runs, artifacts=artifacts, force=force, lock_timeout=lock_timeout
    )
    if json:
        cleanup_render.show(result, verbose=verbose, json=True)
        return
    render.out(cleanup_render.deleted(result, artifacts=artifacts))
    if verbose:
        cleanup_render.listing(result)
    for line in cleanup_render.notes(result):
        render.err(line)
