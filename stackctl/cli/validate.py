"""`stackctl validate`: every configuration error at once."""

from __future__ import annotations

import typer

from stackctl.cli import options, render


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


def validate(
    json: options.Json = False, var: options.Vars = None, var_file: options.VarFiles = None
) -> None:
    """Check every project file against its schema and every reference between them.

    Step functions are checked too, from their source (read, never imported).
    Errors go to stderr as FILE:LINE:COL: error: MESSAGE (+ a hint); with --json, stdout
    gets {"valid": bool, "errors": [{file, line, column, pointer, message, hint}]}.
    Exit code 1 when anything is wrong.
    """
    from stackctl.cli.context import open_project
    from stackctl.errors import ConfigError, Diagnostic, Location, StackctlError

    try:
        project = open_project(var, var_file)
        problems = project.validate()
    except ConfigError as exc:  # e.g. a malformed --var
        problems = list(exc.diagnostics)
    except StackctlError as exc:  # e.g. no stackctl.yaml: still one JSON answer
        if not json:
            raise
        problems = [Diagnostic(exc.location or Location(""), exc.message, "", exc.hint)]
    if json:
        render.emit_json({"valid": not problems, "errors": [p.to_json() for p in problems]})
        if problems:
            raise typer.Exit(1)
        return
    if problems:
        raise ConfigError(problems)
    spec = project.spec
    render.out(
        f"valid: {_count(len(spec.files), 'file')}, {_count(len(spec.components), 'component')}, "
        f"{_count(len(spec.stacks), 'stack')}, {_count(len(spec.pipelines), 'pipeline')}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
