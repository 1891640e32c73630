"""`stackctl fmt`: rewrite project files in the canonical layout, comments kept."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stackctl.cli import render


def register(app: typer.Typer) -> None:
    app.command("fmt")(fmt)


def fmt(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files to format (default: stackctl.yaml and its includes).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 and name the files that need formatting."
        ),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print a unified diff.")
    ] = False,
) -> None:
    """Format YAML files canonically: schema key order, 2-space indent, comments kept."""
    from stackctl.components.registry import schemas_dir
    from stackctl.config.fmt import format_files, project_files
    from stackctl.errors import ConfigError
    from stackctl.project import find_root

    root = Path.cwd() if files else find_root(Path.cwd())
    results, problems = format_files(list(files or project_files(root)), root, schemas_dir())
    changed = [r for r in results if r.changed]
    for result in changed:
        if diff:
            render.out(result.diff())
        elif check:
            render.out(result.display)
        else:
            result.write()
            render.out(f"formatted {result.display}")
    if problems:
        raise ConfigError(problems)
    if check and changed:
        count = len(changed)
        render.err(
            f"{count} file{'s' if count != 1 else ''} would be reformatted; run `stackctl fmt`"
        )
        raise typer.Exit(1)
