"""`stackctl output [NAME] [--json]`: the provisioner outputs recorded in state."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from stackctl.cli import options, render


def register(app: typer.Typer) -> None:
    app.command("output")(output)


def output(
    name: Annotated[
        str | None,
        typer.Argument(
            help="An address (artifact_store.s3) or one value (artifact_store.s3.uri).",
            show_default=False,
        ),
    ] = None,
    json: options.Json = False,
) -> None:
    """Print what provisioners recorded (bucket URIs, folders, tracking URIs); secrets hidden."""
    from stackctl.cli.context import open_project
    from stackctl.config.secrets import Secrets
    from stackctl.engine.outputs import select_outputs

    project = open_project()
    found = select_outputs(project.read_state().read(), name, Secrets(project.root).get)
    if json:
        render.emit_json(found)
    elif not isinstance(found, dict):
        render.out(str(found))  # one value, raw, for shell use: $(stackctl output a.b.uri)
    elif name is not None:
        _lines(found, "")
    elif not found:
        render.out("No outputs: nothing in state records any (`stackctl apply` creates them).")
    else:
        for address, values in found.items():
            render.out(address)
            _lines(values, "  ")


def _lines(values: dict[str, Any], indent: str) -> None:
    for key, value in values.items():
        render.out(f"{indent}{key} = {value if isinstance(value, str) else render_value(value)}")


def render_value(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=str)
