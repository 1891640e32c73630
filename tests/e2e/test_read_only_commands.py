"""Commands that only look never create or write the state file (real CLI, SQLite)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from run_project_helpers import RunProject, make_run_project

READS = [
    ("show", "--json"),
    ("state", "list", "--json"),
    ("state", "history", "--json"),
    ("runs", "list", "--json"),
    ("stack", "list", "--output", "json"),
    ("stack", "describe", "dev", "--output", "json"),
    ("stack", "get"),
    ("component", "list", "--output", "json"),
    ("drift", "--json"),
]


@pytest.fixture
def project(tmp_path: Path) -> RunProject:
    return make_run_project(tmp_path / "p")


def test_reads_on_a_fresh_project_create_no_state(project: RunProject) -> None:
    for args in READS:
        project.stackctl(*args)
    assert project.stackctl("show").out.startswith("# state serial 0, lineage (none yet)")
    assert not (project.root / ".stackctl" / "state.db").exists()


def test_reads_and_drift_never_write(project: RunProject) -> None:
    applied = project
    applied.stackctl("apply", "--auto-approve")
    applied.run("tiny")
    db = applied.root / ".stackctl" / "state.db"
    shutil.rmtree(applied.root / ".stackctl" / "store")  # drift to report
    run_id = applied.stackctl("runs", "list", "--json").json()[0]["id"]
    before = db.read_bytes(), db.stat().st_mtime_ns
    assert applied.stackctl("drift", code=2).out.startswith("Drift found")
    for args in [READS[0], READS[4], ("runs", "show", run_id), ("artifacts", "list", run_id)]:
        applied.stackctl(*args)
    assert applied.stackctl("artifacts", "get", run_id, "total.output").out.strip() == "6"
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
