"""A YAML `source: MODULE:FUNCTION` pipeline shows in the dashboard API like any other."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from support.projects import SUMMING_SDK

from stackctl.dashboard.app import create_app
from stackctl.dashboard.source import Source
from stackctl.project import Project
from stackctl.state.memory import MemoryStateStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

MODULE = SUMMING_SDK


def test_source_pipeline_in_the_api(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("STACKCTL_STACK", raising=False)
    monkeypatch.delitem(sys.modules, "dash_sdk_mod", raising=False)
    (tmp_path / "stackctl.yaml").write_text("project: p\ninclude: [pipelines/*.yaml]\n")
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "p.yaml").write_text(
        "pipelines:\n  summing:\n    source: dash_sdk_mod:summing\n"
    )
    (tmp_path / "dash_sdk_mod.py").write_text(MODULE)
    app = create_app(Source(Project(tmp_path), MemoryStateStore()))
    with TestClient(app) as client:
        (row,) = client.get("/api/pipelines").json()["pipelines"]
    assert row["name"] == "summing" and row["source"] == "dash_sdk_mod:summing"
    assert row["steps"] == ["numbers", "total"] and row["params"] == {"n": 3}
    assert row["location"] == "pipelines/p.yaml:2:3"


def test_outside_a_project_the_dashboard_shows_the_default_stack(tmp_path: Path) -> None:
    (tmp_path / "stray.yaml").write_text("not: a project\n")  # touching files never reloads
    app = create_app(Source(Project.outside(tmp_path), MemoryStateStore()))
    with TestClient(app) as client:
        first = client.get("/api/stacks").json()
        (tmp_path / "stray.yaml").write_text("still: not a project\n")
        assert client.get("/api/stacks").json() == first
        assert client.get("/").status_code == 200
    assert [s["name"] for s in first["stacks"]] == ["default"]
