"""`stackctl doctor`: installed extras and their versions, the state backend (reachable
or not) and the active stack: what to paste into a bug report."""

from __future__ import annotations

import typer

from stackctl.cli import options, render


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def doctor(json: options.Json = False) -> None:
    """Show the installed extras (with the command for each missing one), the state
    backend and whether it answers, and the active stack. Exit code 1 when the project
    has a problem (invalid configuration, state unreachable)."""
    from dataclasses import asdict

    from stackctl.catalog.doctor import diagnose
    from stackctl.errors import NotFoundError
    from stackctl.project import Project

    try:
        project: Project | None = Project.discover()
    except NotFoundError:
        project = None
    report = diagnose(project)
    if json:
        render.emit_json(asdict(report))
    else:
        render.out(f"stackctl {report.stackctl} (python {report.python})")
        render.table(
            "extras",
            ["EXTRA", "VERSION", "INSTALL"],
            [
                (e.name, e.version or "not installed", "" if e.version else e.install)
                for e in report.extras
            ],
        )
        if report.project is None:
            render.out("project: none here (run `stackctl init` to create one)")
        else:
            render.out(f"project:      {report.project}")
            render.out(f"active stack: {report.active_stack}")
            reach = "reachable" if report.state_ok else "NOT reachable"
            render.out(f"state:        {report.state or 'unknown'} ({reach})")
            for problem in report.problems:
                render.out(f"problem:      {problem}")
    if report.problems:
        raise typer.Exit(1)
