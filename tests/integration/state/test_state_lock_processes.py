"""The lock across real OS processes on one SQLite file or PostgreSQL database."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from support.cli import STACKCTL, call, clean_env, start

WAIT = 60  # generous: a loaded CI machine can be slow to start Python
PLUGIN = Path(__file__).resolve().parents[2] / "e2e" / "plugin"  # the `slow` flavor


def wait_for(path: Path, proc=None) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"worker exited early: {proc.communicate()}")
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def cli_project(root: Path, target: str) -> dict[str, str]:
    """A project whose state is ``target`` and whose apply holds the lock inside a
    provisioner (tests/e2e/plugin's `slow` flavor) until ``root/go`` exists."""
    state = (
        f"state: {{backend: postgres, url: '{target}'}}\n"
        if target.startswith("postgresql://")
        else f"state: {{backend: sqlite, path: '{target}'}}\n"
    )
    (root / "stackctl.yaml").write_text("project: locks\ninclude: [stacks/*.yaml]\n" + state)
    (root / "stacks").mkdir()
    (root / "stacks" / "main.yaml").write_text(
        "components:\n"
        "  artifact_store:\n"
        "    slow: {flavor: slow, config: {path: slow-dir}}\n"
        "stacks:\n"
        "  dev: {orchestrator: default, artifact_store: slow}\n"
    )
    return {
        **clean_env(),
        "PYTHONPATH": str(PLUGIN),
        "STACKCTL_TEST_MARKER": str(root / "inside"),
        "STACKCTL_TEST_GO": str(root / "go"),
    }


def test_a_second_cli_writer_exits_3_naming_the_holder(target, open_target, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    env = cli_project(root, target)
    holder = start([STACKCTL, "apply", "--auto-approve"], cwd=root, env=env)
    try:
        wait_for(root / "inside", holder)  # inside the provisioner: the lock is held
        # every writer (plan only reads: it never locks, docs/state.md)
        for argv in (["apply", "--auto-approve"], ["destroy", "--auto-approve"]):
            second = call([STACKCTL, *argv], cwd=root, env=env, code=None)
            assert second.code == 3, (argv, second.out, second.err)
            assert "state is locked" in second.err, second.err
            assert f"(pid {holder.pid}) running 'apply'" in second.err, second.err
            assert "stackctl force-unlock" in second.err
        # a plan meanwhile reads without waiting, and calls the running apply that, not
        # "a previous apply was interrupted" (its journal entry is work in progress)
        reader = call([STACKCTL, "plan"], cwd=root, env=env, code=0)
        assert "interrupted" not in reader.out, reader.out
        assert "note: another apply is in progress" in reader.err, reader.err
        assert f"(pid {holder.pid}) running 'apply'" in reader.err
        # nothing of the held apply's slow change is committed while it holds the lock
        assert "artifact_store.slow" not in open_target().read().resources
    finally:
        (root / "go").touch()
    out, err = holder.communicate(timeout=WAIT)
    assert holder.returncode == 0, err
    assert "artifact_store.slow" in open_target().read().resources
    assert open_target().lock_info() is None
    again = call([STACKCTL, "plan", "--detailed-exitcode"], cwd=root, env=env, code=0)
    assert "No changes." in again.out


def test_concurrent_applies_run_one_at_a_time_and_lose_nothing(
    target, spawn, open_target, tmp_path
):
    workers, each = 4, 5
    procs = [spawn("apply", target, str(tmp_path), str(each)) for _ in range(workers)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    store = open_target()
    state = store.read()
    assert state.serial == workers * each
    assert len(state.resources) == workers * each
    assert [h.serial for h in store.history()] == list(range(1, workers * each + 1))
    assert store.lock_info() is None


def test_sigterm_releases_the_lock(target, spawn, open_target, tmp_path):
    proc = spawn("sleep", target, str(tmp_path))
    wait_for(tmp_path / "ready", proc)
    store = open_target()
    assert store.lock_info().pid == proc.pid
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(WAIT) == 130
    assert store.lock_info() is None
    with store.lock("apply"):
        pass


def test_killed_holder_leaves_a_stale_lock_that_is_taken_over(target, spawn, open_target, tmp_path):
    proc = spawn("sleep", target, str(tmp_path))
    wait_for(tmp_path / "ready", proc)
    proc.kill()  # SIGKILL: no chance to clean up
    proc.wait(WAIT)
    store = open_target()
    # PostgreSQL notices the dead session asynchronously; give it a moment.
    deadline = time.monotonic() + WAIT
    while not (info := store.lock_info()).stale:
        assert time.monotonic() < deadline, info
        time.sleep(0.05)
    assert info.pid == proc.pid
    with store.lock("apply", timeout=5) as mine:
        assert store.lock_info().id == mine.id
