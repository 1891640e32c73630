"""Options shared by plan, apply and destroy (declared once, as fastapi-cli does)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stackctl.engine.changes import PlanOptions

Targets = Annotated[
    list[str] | None,
    typer.Option("--target", help="Only this resource and what it depends on (repeatable)."),
]
Excludes = Annotated[
    list[str] | None,
    typer.Option("--exclude", help="Leave this resource and its dependents alone (repeatable)."),
]
Replaces = Annotated[
    list[str] | None,
    typer.Option("--replace", help="Force replacement of this resource (repeatable)."),
]
AllowDestroy = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-destroy", help="Allow destroying this prevent_destroy resource (repeatable)."
    ),
]
Destroy = Annotated[bool, typer.Option("--destroy", help="Plan to destroy everything.")]
Refresh = Annotated[
    bool,
    typer.Option("--refresh/--no-refresh", help="Ask provisioners what really exists first."),
]
AutoApprove = Annotated[
    bool, typer.Option("--auto-approve", help="Apply without asking (needed without a TTY).")
]
PlanFile = Annotated[
    Path | None, typer.Argument(help="A plan saved with `stackctl plan --out`.", dir_okay=False)
]


def plan_options(
    *,
    destroy: bool = False,
    target: list[str] | None = None,
    exclude: list[str] | None = None,
    replace: list[str] | None = None,
    allow_destroy: list[str] | None = None,
    refresh: bool = True,
) -> PlanOptions:
    return PlanOptions(
        destroy=destroy,
        targets=tuple(target or ()),
        excludes=tuple(exclude or ()),
        replace=tuple(replace or ()),
        allow_destroy=tuple(allow_destroy or ()),
        refresh=refresh,
    )
