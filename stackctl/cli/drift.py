"""`stackctl drift`: read-only check of reality against state; exit 2 when they differ."""

from __future__ import annotations

import typer

from stackctl.cli import options, render


def register(app: typer.Typer) -> None:
    app.command("drift")(drift)


def drift(json: options.Json = False) -> None:
    """Report resources whose real counterpart differs from state (never locks or writes)."""
    from stackctl.cli.context import open_project
    from stackctl.config.secrets import Secrets
    from stackctl.engine.drift import detect_drift

    project = open_project()
    found = detect_drift(project.read_state().read, project.root, Secrets(project.root))
    if json:
        render.emit_json(
            {
                "drift": [
                    {"address": d.address, "detail": d.detail, "exists": d.exists} for d in found
                ]
            }
        )
    elif found:
        render.out("Drift found (reality differs from state):")
        for d in found:
            render.out(f"  ! {d.address}: {d.detail}")
        render.out("Run `stackctl plan` to see the fix, then `stackctl apply`.")
    else:
        render.out("No drift: reality matches state.")
    if found:
        raise typer.Exit(2)
