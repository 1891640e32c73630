"""`stackctl init`: scaffold a working project (never overwrites an existing one)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stackctl.cli import render


def register(app: typer.Typer) -> None:
    app.command("init")(init)


def init(
    directory: Annotated[
        Path,
        typer.Argument(help="Folder for the new project (created if missing).", file_okay=False),
    ] = Path(),
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Project name (default: the folder's name).")
    ] = None,
) -> None:
    """Create stackctl.yaml, stacks/, pipelines/ (YAML + Python steps), schemas/ and .gitignore."""
    from stackctl.components.registry import schemas_dir
    from stackctl.config.scaffold import scaffold

    done = scaffold(directory, name, schemas_dir())
    for relative in done.written:
        render.out(f"created {relative}")
    for relative in done.kept:
        render.out(f"kept    {relative} (already exists)")
    where = "" if directory == Path() else f"cd {directory} && "
    render.out(f"\nproject {done.name!r} is ready. Next: {where}stackctl validate && stackctl plan")
