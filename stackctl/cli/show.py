"""`stackctl show [PLANFILE]`: the current state, or a saved plan."""

from __future__ import annotations

from typing import Any

import typer

from stackctl.cli import options, render
from stackctl.cli import plan_options as po
from stackctl.model import Resource, redact


def register(app: typer.Typer) -> None:
    app.command("show")(show)


def resource_view(r: Resource) -> dict[str, Any]:
    """A resource as users see it: its plan JSON form, with its address, secrets redacted."""
    from stackctl.engine.planjson import resource_json

    # Replacing "config" keeps its place among the keys: the output order is unchanged.
    return {"address": r.address, **resource_json(r), "config": redact(r.config)}


def show(plan_file: po.PlanFile = None, json: options.Json = False) -> None:
    """Show what state records, or the saved plan PLANFILE."""
    if plan_file is not None:
        from stackctl.cli.plan_output import show_plan
        from stackctl.engine import planfile

        show_plan(planfile.load(plan_file), json=json)
        return
    from stackctl.cli.context import open_project

    state = open_project().read_state().read()
    if json:
        render.emit_json(
            {
                "lineage": state.lineage,
                "serial": state.serial,
                "resources": [resource_view(r) for r in state.resources.values()],
            }
        )
        return
    render.out(f"# state serial {state.serial}, lineage {state.lineage or '(none yet)'}")
    if not state.resources:
        render.out("No resources: nothing has been applied yet (run `stackctl plan`).")
    for r in state.resources.values():
        render.out("")
        render.out(f"{r.address}:" + (f"  (flavor {r.flavor})" if r.flavor else ""))
        render.out(
            render.dump_yaml(
                {
                    k: v
                    for k, v in resource_view(r).items()
                    if k in ("config", "outputs", "lifecycle") and v
                }
            ).rstrip()
        )
