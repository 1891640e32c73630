"""`stackctl env list | show [NAME]`: the project's environments (envs/NAME.yaml)."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import options, render

env_app = typer.Typer(
    help="Environments (envs/NAME.yaml): each with its own vars and state.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(env_app, name="env")


@env_app.command("list")
def list_envs(json: options.Json = False) -> None:
    """List the environments, the selected one (--env / STACKCTL_ENV) marked."""
    from stackctl.catalog.envs import list_envs as rows_of
    from stackctl.cli.context import open_project

    rows = rows_of(open_project())
    if json:
        render.emit_json(rows)
        return
    if not rows:
        render.out(
            "No environments: add envs/NAME.yaml (see docs/gitops.md#environments-dev-staging-prod)."
        )
        return
    render.table(
        None,
        ["NAME", "STATE", "DESCRIPTION"],
        [
            (r["name"] + (" (selected)" if r["selected"] else ""), r["state"], r["description"])
            for r in rows
        ],
    )


@env_app.command("show")
def show_env(
    name: Annotated[
        str | None, typer.Argument(help="Environment (default: the selected one).")
    ] = None,
    json: options.Json = False,
) -> None:
    """Show an environment: its file, variable overrides, state and active stack."""
    from stackctl.catalog.envs import show_env as view
    from stackctl.cli.context import open_project

    data = view(open_project(), name)
    if json:
        render.emit_json(data)
        return
    render.out(f"environment:  {data['name']}  ({data['file']})")
    if data["description"]:
        render.out(f"description:  {data['description']}")
    render.out(f"state:        {data['state']}")
    render.out(f"active stack: {data['active_stack']}")
    if data["vars"]:
        render.out("vars:")
        for line in render.dump_yaml(data["vars"]).rstrip().splitlines():
            render.out("  " + line)
