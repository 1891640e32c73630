"""`stackctl test`: run the project's plan tests (tests/*.stackctl.yaml) in throwaway state."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stackctl.cli import options, render

if TYPE_CHECKING:
    from stackctl.testing.results import CaseResult, Report


def register(app: typer.Typer) -> None:
    app.command("test")(run_tests)


def run_tests(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Test files to run (default: tests/*.stackctl.yaml).", show_default=False
        ),
    ] = None,
    name: Annotated[
        list[str] | None, typer.Option("--name", help="Run only the test case NAME (repeatable).")
    ] = None,
    junit_xml: Annotated[
        Path | None,
        typer.Option("--junit-xml", help="Also write the results as JUnit XML (for CI)."),
    ] = None,
    update_golden: Annotated[
        bool,
        typer.Option(
            "--update-golden", help="Write each case's `golden:` plan file instead of comparing."
        ),
    ] = False,
    var: options.Vars = None,
    var_file: options.VarFiles = None,
) -> None:
    """Plan each test case against its variables and state snapshot (and apply it, with
    `apply: true`, into a temporary state and folder), then check its assertions.
    Exit 0 when every case passes, 1 otherwise."""
    from stackctl.cli.context import open_project
    from stackctl.testing.junit import write_junit
    from stackctl.testing.suite import run_tests as run

    report = run(
        open_project(var, var_file), files or (), names=name or (), update_golden=update_golden
    )
    if junit_xml is not None:
        write_junit(report, junit_xml)
    render.out(render_report(report))
    if not report.ok:
        raise typer.Exit(1)


def render_report(report: Report) -> str:
    """One line per case (pass, FAIL or ERROR), its failures below it, then the summary."""
    lines = [line for result in report.results for line in _case_lines(result)]
    verdict = "Success!" if report.ok else "Failure!"
    lines.append("")
    lines.append(f"{verdict} {report.passed} passed, {report.failed} failed.")
    return "\n".join(lines)


def _case_lines(result: CaseResult) -> list[str]:
    status = "pass" if result.passed else ("ERROR" if result.error else "FAIL")
    head = f"{status:<5} {result.file}::{result.name}"
    if result.golden_written:
        head += f"  (wrote golden {result.golden_written})"
    problems = [result.error] if result.error else list(result.failures)
    return [head, *("  " + line for p in problems if p for line in p.render().splitlines())]
