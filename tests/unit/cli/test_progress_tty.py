"""On a terminal, step lines print above the live table, whatever the steps' states."""

from __future__ import annotations

import contextlib
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


class _Stdout(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("stdout_tty", "failed", "gives_way"),
    [(True, False, True), (True, True, False), (False, False, False)],
)
def test_the_live_table_gives_way_to_the_summary_only_when_one_follows_on_the_terminal(
    monkeypatch: pytest.MonkeyPatch, stdout_tty: bool, failed: bool, gives_way: bool
) -> None:
    monkeypatch.setattr(sys, "stderr", _Terminal())
    monkeypatch.setattr(sys, "stdout", _Stdout(stdout_tty))
    progress = StepProgress("p", "default")
    with pytest.raises(RuntimeError) if failed else contextlib.nullcontext():
        with progress:
            progress.update(StepRun("r1", "load", RunStatus.COMPLETED, duration_s=0.0))
            if failed:  # a failed run raises: no summary follows, the table stays
                raise RuntimeError("step 'load' failed")
    assert progress.live.transient is gives_way


def test_the_summary_says_where_each_hit_came_from(capsys: pytest.CaptureFixture[str]) -> None:
    from stackctl.cli import summary

    row = {"duration_s": 0.0, "cached": True, "outputs": []}
    summary.show(
        "r2",
        [
            {**row, "step": "load", "status": "cached", "cached_from": "0123456789abcdef/load"},
            {**row, "step": "copy", "status": "cached", "cached_from": "r2/load"},
            {**row, "step": "fresh", "status": "completed", "cached": False, "cached_from": ""},
        ],
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[3:] == ["from", "01234567"]
    assert lines[2].split()[3:] == ["from", "step", "load", "(this", "run)"]
    assert len(lines[3].split()) == 3  # no cached column text for a step that ran
