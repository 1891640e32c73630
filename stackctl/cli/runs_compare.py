"""`stackctl runs compare RUN RUN...`: runs side by side, only what changed by default."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from stackctl.cli import options, render
from stackctl.errors import one_line
from stackctl.runtime.compare import ABSENT, Comparison, Row, text


def register(runs_app: typer.Typer) -> None:
    runs_app.command("compare")(compare)


def compare(
    run_ids: Annotated[
        list[str],
        typer.Argument(
            help="Two or more run ids: unique prefixes are enough; `latest` is the newest run.",
            show_default=False,
            metavar="RUN",
        ),
    ],
    all_rows: Annotated[
        bool,
        typer.Option("--all", "-a", help="Show every row, not only those that differ."),
    ] = False,
    json: options.Json = False,
) -> None:
    """Params, metadata, step status and output digests of runs side by side."""
    from stackctl.cli.context import open_project
    from stackctl.runtime.compare import load
    from stackctl.state.clock import database_now

    state = open_project().read_state()
    result = load(state, run_ids, database_now(state))
    rows = _shown(result, all_rows)
    if json:
        render.emit_json(_json(result, rows))
        return
    _print(result, rows, all_rows)


def _shown(result: Comparison, all_rows: bool) -> list[Row]:
    """Every row with --all; otherwise those that differ and the run's duration (a step's
    duration only with --all: one per step would bury the changes)."""
    if all_rows:
        return list(result.rows)
    return [r for r in result.rows if r.differs or (r.timing and r.section == "run")]


def _json(result: Comparison, rows: list[Row]) -> dict[str, Any]:
    return {
        "runs": [
            {"id": r.id, "pipeline": r.pipeline, "stack": r.stack, "started_at": r.started_at}
            for r in result.runs
        ],
        "rows": [
            {
                "section": row.section,
                "key": row.key,
                "differs": row.differs,
                "timing": row.timing,
                # a run without the key is left out (null would be a logged None)
                "values": {
                    run.id: value
                    for run, value in zip(result.runs, row.values, strict=True)
                    if value is not ABSENT
                },
            }
            for row in rows
        ],
        "differing": len(result.differing),
        "identical": result.identical,
    }


def _print(result: Comparison, rows: list[Row], all_rows: bool) -> None:
    pipelines = sorted({r.pipeline for r in result.runs})
    render.out(f"comparing {len(result.runs)} runs of {', '.join(pipelines)}")
    columns = ["", "section", "key", *(r.id[:8] for r in result.runs)]
    table = [
        ["*" if row.differs else "", row.section, one_line(row.key)]
        + [one_line(text(row, v)) for v in row.values]
        for row in rows
    ]
    if sys.stdout.isatty():
        _rich(columns, table)
    else:
        _plain(columns, table)
    same = result.identical
    if not result.differing:
        render.out(f"no differences ({same} rows identical)")
    elif not all_rows:
        render.out(f"{len(result.differing)} differ, {same} identical (--all shows every row)")
    else:
        render.out(f"{len(result.differing)} differ, {same} identical")


def _plain(columns: list[str], rows: list[list[str]]) -> None:
    """Aligned text for pipes and CI logs; run ids keep their case (they are typed back)."""
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    for row in [columns, *rows]:
        render.out("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _rich(columns: list[str], rows: list[list[str]]) -> None:
    """A rich table whose differing rows stand out; cells are Text (never markup: a
    logged value such as "[red]" is shown as typed)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False)
    for name in columns:
        table.add_column(name)
    for row in rows:
        table.add_row(*(Text(c) for c in row), style="bold yellow" if row[0] else None)
    render.console().print(table)
