"""`stackctl flavor list`: every flavor stackctl knows, built-in or from plugins."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import options, render

flavor_app = typer.Typer(
    help="Flavors: the implementations of each component type.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(flavor_app, name="flavor")


@flavor_app.command("list")
def list_flavors(
    type_: Annotated[
        str | None, typer.Option("--type", "-t", help="Only this component type.")
    ] = None,
    output: options.Output = "table",
) -> None:
    """List flavors with their component type, source and description."""
    from stackctl.components.registry import flavors, no_flavor_note
    from stackctl.errors import NotFoundError
    from stackctl.model import COMPONENT_TYPES

    if type_ is not None and type_ not in COMPONENT_TYPES:
        raise NotFoundError(
            f"unknown component type {type_!r}", hint=f"known types: {', '.join(COMPONENT_TYPES)}"
        )
    rows = [
        {"type": f.type, "flavor": f.name, "source": f.source, "description": f.description}
        for f in sorted(flavors().values(), key=lambda f: (COMPONENT_TYPES.index(f.type), f.name))
        if type_ is None or f.type == type_
    ]
    if output == "json":
        render.emit_json(rows)
    elif output == "yaml":
        render.out(render.dump_yaml(rows))
    elif not rows and type_ is not None:
        render.out(no_flavor_note(type_))
    else:
        render.table(
            None, ["type", "flavor", "source", "description"], [list(r.values()) for r in rows]
        )
