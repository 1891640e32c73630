"""`stackctl artifacts prune`: delete old runs and every object nothing needs any more."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import options


def register(artifacts_app: typer.Typer) -> None:
    artifacts_app.command("prune")(prune)


def prune(
    keep_last: Annotated[
        int | None,
        typer.Option("--keep-last", min=0, help="Keep the newest N runs of each pipeline."),
    ] = None,
    older_than: Annotated[
        str | None,
        typer.Option("--older-than", help="Delete runs older than this: 30m, 12h, 7d, 2w."),
    ] = None,
    grace: Annotated[
        str,
        typer.Option("--grace", help="Keep objects modified this recently (a run writing now)."),
    ] = "1m",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be freed; change nothing.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List each run and object freed.")
    ] = False,
    json: options.Json = False,
    lock_timeout: options.LockTimeout = 0.0,
) -> None:
    """Delete objects no kept run, named version or model version needs (under the lock).

    Without --keep-last or --older-than no run is deleted: only objects that no record
    points at any more go. With both, a run goes only when both let it. Runs that are
    running, that published a named version or that a model version links are always
    kept. See docs/artifacts.md, "Cleaning up".
    """
    from stackctl.catalog.cleanup import prune_artifacts
    from stackctl.cli import cleanup_render
    from stackctl.cli.context import open_project
    from stackctl.runtime.durations import parse_duration
    from stackctl.runtime.prune import Policy

    policy = Policy(
        keep_last=keep_last,
        older_than_s=None if older_than is None else parse_duration(older_than, "--older-than"),
        grace_s=parse_duration(grace, "--grace"),
    )
    result = prune_artifacts(open_project(), policy, dry_run=dry_run, lock_timeout=lock_timeout)
    cleanup_render.show(result, verbose=verbose, json=json)
