"""`stackctl force-unlock LOCK_ID`: break a lock whose holder is gone."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import render


def register(app: typer.Typer) -> None:
    app.command("force-unlock")(force_unlock)


def force_unlock(
    lock_id: Annotated[str, typer.Argument(help="The id printed by the 'state is locked' error.")],
) -> None:
    """Release the state lock LOCK_ID (only when its holder is really gone)."""
    from stackctl.cli.context import open_project

    open_project().state().force_unlock(lock_id)
    render.out(f"Released state lock {lock_id}.")
