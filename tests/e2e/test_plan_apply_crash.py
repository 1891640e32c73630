"""kill -9 during a slow apply, two applies at once, and secrets never written down."""

from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path

import pytest
from plan_apply_helpers import STACKS, make_project

SLOW = (
    STACKS
    + """\
    # (appended by the test)
"""
)
SLOW = STACKS.replace(
    '    local: {flavor: local, config: {path: "${vars.store}"}}\n',
    '    local: {flavor: local, config: {path: "${vars.store}"}}\n'
    '    slow: {flavor: slow, config: {path: slow-dir, token: "${secret:api_token}"}}\n',
).replace("stacks:\n", "stacks:\n  slowstack: {orchestrator: local, artifact_store: slow}\n")
TOKEN = "s3cr3t-Value-9f1c"


@pytest.fixture
def project(tmp_path: Path):
    p = make_project(tmp_path / "proj", SLOW)
    p.env["STACKCTL_SECRET_API_TOKEN"] = TOKEN
    return p


def wait_for(path: Path, proc, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the slow provisioner never started"
        time.sleep(0.05)


def test_kill_9_during_apply_leaves_state_the_next_plan_completes(project):
    marker = project.root / "started"
    proc = project.start(
        "apply", "--auto-approve", STACKCTL_TEST_SLEEP="30", STACKCTL_TEST_MARKER=str(marker)
    )
    wait_for(marker, proc)
    # artifact_store.local runs in the same wave as the slow one; apply commits each
    # finished change while others are still in flight, so it shows up in state before
    # the slow provisioner ends (poll: the commit may land just after the marker).
    deadline = time.monotonic() + 20
    while "artifact_store.local" not in project.run("state", "list").out:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "a finished change was not committed while apply ran"
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    listed = project.run("state", "list").out
    assert "artifact_store.local" in listed and "artifact_store.slow" not in listed
    plan = project.run("plan", "--detailed-exitcode", code=2).out
    assert "interrupted while creating artifact_store.slow" in plan
    assert "  + artifact_store.slow" in plan and "  + stack.slowstack" in plan
    project.run("apply", "--auto-approve")  # the dead holder's lock is stale: taken over
    assert "No changes." in project.run("plan", "--detailed-exitcode").out
    assert "interrupted" not in project.run("plan").out


def test_two_applies_at_once_one_wins_one_exits_3(project):
    marker = project.root / "started"
    first = project.start(
        "apply", "--auto-approve", STACKCTL_TEST_SLEEP="3", STACKCTL_TEST_MARKER=str(marker)
    )
    wait_for(marker, first)
    second = project.run("apply", "--auto-approve", code=3)
    assert "state is locked" in second.err and f"(pid {first.pid})" in second.err
    assert "stackctl force-unlock" in second.err
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "No changes." in project.run("plan", "--detailed-exitcode").out
    # a waiting writer gets the lock once it is free
    project.run("apply", "--auto-approve", "--lock-timeout", "5")


def test_secrets_never_reach_state_plan_files_or_output(project):
    outputs = [project.run("plan", "--out", "plan.json").out, project.run("plan", "--json").out]
    outputs.append(project.run("plan", "--format", "markdown").out)
    outputs.append(project.run("apply", "plan.json").out)
    outputs += [
        project.run("show", "--json").out,
        project.run("state", "show", "artifact_store.slow").out,
    ]
    outputs.append(project.run("state", "history", "--json").out)
    received = (project.root / "slow-dir" / "token.sha256").read_text()
    assert received == hashlib.sha256(TOKEN.encode()).hexdigest()  # the provisioner got it
    for text in outputs:
        assert TOKEN not in text
    files = [project.root / "plan.json", *(project.root / ".stackctl").rglob("*")]
    for path in files:
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
    assert "(sensitive)" in project.run("state", "show", "artifact_store.slow").out
    # a changed secret is an update of a sensitive attribute
    changed = project.run(
        "plan", "--detailed-exitcode", code=2, STACKCTL_SECRET_API_TOKEN="another-value"
    )
    assert "~ config.token: (sensitive) -> (sensitive)" in changed.out
    assert "another-value" not in changed.out


def test_missing_secret_fails_apply_with_the_fix(project):
    del project.env["STACKCTL_SECRET_API_TOKEN"]
    result = project.run("apply", "--auto-approve", code=1)
    assert "secret 'api_token'" in result.err and "STACKCTL_SECRET_API_TOKEN" in result.err
