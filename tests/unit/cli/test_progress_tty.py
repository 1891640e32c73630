"""On a terminal, step lines print above the live table, whatever the steps' states."""

from __future__ import annotations

import io
import sys

import pytest

from stackctl.cli.progress import StepProgress
from stackctl.model import RunStatus, StepRun


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("status", list(RunStatus))
def test_a_step_line_reaches_the_terminal_in_every_state(
    monkeypatch: pytest.MonkeyPatch, status: RunStatus
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with StepProgress("p", "default") as progress:
        assert progress.live is not None
        # an error with brackets must not be read as rich markup either
        progress.update(StepRun("r1", "load", status, error="KeyError: '[/x]'"))
        progress.line("load", "accuracy: 0.967")
    assert "load | accuracy: 0.967" in terminal.getvalue()


@pytest.mark.parametrize(
    ("cached_from", "note"),
    [
        ("0123456789abcdef/load", "cached from 01234567"),
        ("0123456789abcdef/fetch", "cached from 01234567/fetch"),
        ("r1/fetch", "cached from step fetch (this run)"),
    ],
)
def test_the_live_table_says_where_a_hit_came_from(
    monkeypatch: pytest.MonkeyPatch, cached_from: str, note: str
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("COLUMNS", "120")
    with StepProgress("p", "default") as progress:
        progress.update(StepRun("r1", "load", RunStatus.CACHED, cached_from=cached_from))
    assert note in terminal.getvalue()


@pytest.mark.parametrize(
    ("cached_from", "note"),
    [
        ("0123456789abcdef/load", "cached in 0.00s (from 01234567)\n"),
        ("0123456789abcdef/fetch", "cached in 0.00s (from 01234567/fetch)\n"),
        ("r1/fetch", "cached in 0.00s (from step fetch (this run))\n"),
    ],
)
def test_a_plain_step_line_says_where_a_hit_came_from(
    monkeypatch: pytest.MonkeyPatch, cached_from: str, note: str
) -> None:
    plain = io.StringIO()  # not a terminal: one line per state change, no live table
    monkeypatch.setattr(sys, "stderr", plain)
    with StepProgress("p", "default") as progress:
        assert progress.live is None
        hit = StepRun("r1", "load", RunStatus.CACHED, duration_s=0.0, cached_from=cached_from)
        progress.update(hit)
    assert plain.getvalue().endswith(f"[run r1 | stack default | step load] {note}")
