"""Drift and the state commands, as subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plan_apply_helpers import make_project

SCHEMA = Path(__file__).parents[2] / "schemas" / "plan.schema.json"


@pytest.fixture
def project(tmp_path: Path):
    return make_project(tmp_path / "proj")


def test_drift_is_read_only_and_plan_proposes_the_fix(project):
    project.run("apply", "--auto-approve")
    assert "No drift" in project.run("drift").out
    (project.root / ".stackctl" / "store-a").rmdir()
    serial = json.loads(project.run("show", "--json").out)["serial"]
    drift = project.run("drift", code=2)
    assert "artifact_store.local: directory" in drift.out and "is missing" in drift.out
    assert (
        json.loads(project.run("drift", "--json", code=2).out)["drift"][0]["address"]
        == "artifact_store.local"
    )
    assert json.loads(project.run("show", "--json").out)["serial"] == serial
    plan = project.run("plan", "--detailed-exitcode", code=2).out
    assert "Refresh found drift" in plan and "  + artifact_store.local" in plan
    assert "No changes." in project.run("plan", "--no-refresh").out
    project.run("apply", "--auto-approve")
    project.run("drift")


def test_state_commands(project):
    project.run("apply", "--auto-approve")
    assert "orchestrator.parallel" in project.run("state", "list").out
    shown = json.loads(project.run("state", "show", "orchestrator.parallel", "--json").out)
    assert shown["config"] == {"max_workers": 4}
    project.run("state", "rm", "stack.par")
    assert "  + stack.par" in project.run("plan").out
    assert "stack.dev" in project.run("state", "show", "stack.deb", code=1).err
    history = project.run("state", "history", "--json").out
    serials = [e["serial"] for e in json.loads(history)]
    assert project.run("state", "restore", str(serials[-2]), code=1).err  # no TTY
    restored = project.run("state", "restore", str(serials[-2]), "--auto-approve").out
    assert "+ stack.par" in restored and "Restored serial" in restored
    assert "No changes." in project.run("plan").out
