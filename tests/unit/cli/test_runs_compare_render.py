"""`runs compare` rendering: a logged value is shown as typed, on one line, in the plain
table (pipes, CI logs) and in the rich one (a terminal): never markup, never escapes."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from stackctl.cli import render, runs_compare
from stackctl.model import MetadataEntry, Run, RunStatus
from stackctl.runtime.compare import RunRecords, compare

HOSTILE = "[red]boom[/red]\x1b[2J\nnext"


def _comparison():
    records = []
    for run_id, value in (("aaaa1111bbbb", HOSTILE), ("cccc2222dddd", "plain")):
        run = Run(run_id, "p", "dev", RunStatus.COMPLETED, "2026-01-01T00:00:00+00:00")
        entry = MetadataEntry(run_id, "run", "s", "", "note\x1b]0;title\x07", value)
        records.append(RunRecords(run, [], [], [entry], "completed"))
    return compare(records)


def test_plain_table_escapes_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    result = _comparison()
    runs_compare._print(result, runs_compare._shown(result, False), False)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "[red]boom[/red]\\x1b[2J next" in out  # a newline is a space in a cell
    lines = out.splitlines()
    assert lines[0] == "comparing 2 runs of p"
    assert lines[1].split() == ["section", "key", "aaaa1111", "cccc2222"]
    assert lines[-1] == "1 differ, 3 identical (--all shows every row)"


def test_rich_table_shows_markup_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr(render, "console", lambda stderr=False: Console(file=buffer, width=200))
    result = _comparison()
    rows = [
        ["*" if r.differs else "", r.section, r.key, *map(str, r.values)] for r in result.differing
    ]
    runs_compare._rich(
        ["", "section", "key", "a", "b"], [[runs_compare.one_line(c) for c in row] for row in rows]
    )
    assert "[red]boom[/red]" in buffer.getvalue()
