"""Shared typer options, declared once (as fastapi-cli does) and reused by commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
Vars = Annotated[
    list[str] | None,
    typer.Option(
        "--var", help="Override a variable: NAME=VALUE (repeatable).", envvar="STACKCTL_VAR"
    ),
]
VarFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--var-file",
        help="YAML file of variable overrides (repeatable).",
        envvar="STACKCTL_VAR_FILE",
        exists=True,
        dir_okay=False,
    ),
]
StackOpt = Annotated[
    str | None,
    typer.Option(
        "--stack", "-s", help="Use this stack instead of the active one.", envvar="STACKCTL_STACK"
    ),
]
LockTimeout = Annotated[
    float,
    typer.Option(
        "--lock-timeout",
        help="Seconds to wait for the state lock.",
        envvar="STACKCTL_LOCK_TIMEOUT",
        min=0,
    ),
]
Output = Annotated[
    str,
    typer.Option("--output", "-o", help="table, json or yaml."),
]
