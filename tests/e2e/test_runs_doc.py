"""docs/runs.md is executable: its files are written and its commands run, in order, in
a fresh folder, and must print what the page shows (see test_tutorial.py)."""

from __future__ import annotations

from pathlib import Path

from test_tutorial import PageRunner

PAGE = Path(__file__).resolve().parents[2] / "docs" / "runs.md"


def test_runs_page_runs_as_written(tmp_path: Path) -> None:
    PageRunner(PAGE, tmp_path).run()
