"""`stackctl validate`: every configuration error at once."""

from __future__ import annotations

import typer

from stackctl.cli import options, render


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


def validate(
    json: options.Json = False, var: options.Vars = None, var_file: options.VarFiles = None
) -> None:
    """Check every project file against its schema and every reference between them."""
    from stackctl.cli.context import open_project
    from stackctl.errors import ConfigError

    project = open_project(var, var_file)
    problems = project.validate()
    if json:
        render.emit_json({"valid": not problems, "errors": [p.to_json() for p in problems]})
        if problems:
            raise typer.Exit(1)
        return
    if problems:
        raise ConfigError(problems)
    spec = project.spec
    render.out(
        f"valid: {len(spec.files)} files, {len(spec.components)} components, "
        f"{len(spec.stacks)} stacks, {len(spec.pipelines)} pipelines"
    )
