"""Drift and the state commands, as subprocesses."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from plan_apply_helpers import make_project
from support.cli import STACKCTL, on_terminal

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


def test_force_unlock_releases_a_lock_held_by_a_live_process(project):
    from stackctl.state.sqlite import SqliteStateStore

    project.run("plan")  # creates the state
    store = SqliteStateStore(project.root / ".stackctl" / "state.db")
    lock = store.lock("apply")
    info = lock.__enter__()
    try:
        locked = project.run("apply", "--auto-approve", code=3)
        assert "state is locked" in locked.err and info.id in locked.err
        assert "running 'apply'" in locked.err
        project.run("state", "rm", "stack.dev", code=3)
        project.run("force-unlock", "not-the-id", code=1)
        assert f"Released state lock {info.id}" in project.run("force-unlock", info.id).out
        project.run("apply", "--auto-approve")
    finally:
        store.close()


def test_apply_on_a_tty_asks_and_only_yes_proceeds(project):
    def answer(text: str) -> subprocess.CompletedProcess[str]:
        return on_terminal([STACKCTL, "apply"], text, cwd=project.root, env=project.env)

    refused = answer("no\n")
    assert refused.returncode == 1 and "Apply cancelled" in refused.stderr
    assert "Do you want to perform these actions?" in refused.stdout
    assert "No resources" in project.run("show").out
    accepted = answer("yes\n")
    assert accepted.returncode == 0, accepted.stderr
    assert "Apply complete! Resources: 8 added" in accepted.stdout
