"""The dashboard over a real SQLite state: never creates it, never writes it."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_records import fill, write_project

from stackctl.dashboard.app import create_app
from stackctl.dashboard.source import Source
from stackctl.project import Project
from stackctl.state.sqlite import SqliteStateStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PAGES = ["/api/stacks", "/api/runs", "/api/applies", "/", "/runs", "/stacks/dev"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("STACKCTL_STACK", raising=False)
    write_project(tmp_path)
    return tmp_path


def client(root: Path) -> TestClient:
    return TestClient(create_app(Source(Project(root))))


def test_a_fresh_project_gets_no_state_file(project: Path) -> None:
    with client(project) as http:
        for page in PAGES:
            assert http.get(page).status_code == 200, page
        assert http.get("/api/runs").json()["runs"] == []
        assert not (project / ".stackctl" / "state.db").exists()
        # A run recorded later by `stackctl run` shows up without a restart.
        store = SqliteStateStore(project / ".stackctl" / "state.db")
        fill(store, project)  # type: ignore[arg-type]
        store.close()
        assert "r1aaaaaaaaaa" in {r["id"] for r in http.get("/api/runs").json()["runs"]}


@pytest.fixture
def frozen_state(project: Path) -> Iterator[Path]:
    """A filled state file with permissions 0444 in a folder with 0555."""
    path = project / ".stackctl" / "state.db"
    store = SqliteStateStore(path)
    fill(store, project)  # type: ignore[arg-type]
    store.close()
    path.chmod(0o444)
    path.parent.chmod(0o555)
    yield path
    path.parent.chmod(0o755)
    path.chmod(0o644)


def test_a_state_file_it_may_not_write_is_fine(project: Path, frozen_state: Path) -> None:
    before = frozen_state.read_bytes(), frozen_state.stat().st_mtime_ns
    source = Source(Project(project))
    assert getattr(source.store(), "read_only", False)  # opened mode=ro: cannot write
    source.close()
    with client(project) as http:
        for page in [*PAGES, "/runs/r1aaaaaaaaaa", "/api/runs/r1aaaaaaaaaa/artifacts"]:
            assert http.get(page).status_code == 200, page
        runs = http.get("/api/runs").json()["runs"]
        assert {r["id"] for r in runs} >= {"r1aaaaaaaaaa"}
    assert (frozen_state.read_bytes(), frozen_state.stat().st_mtime_ns) == before
