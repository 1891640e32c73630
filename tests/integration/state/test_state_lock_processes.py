"""The lock across real OS processes on one SQLite file or PostgreSQL database."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

WAIT = 60  # generous: a loaded CI machine can be slow to start Python


def wait_for(path: Path, proc=None) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"worker exited early: {proc.communicate()}")
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def test_two_processes_exactly_one_wins(target, spawn, open_target, tmp_path):
    procs = [spawn("hold", target, str(tmp_path)) for _ in range(2)]
    # The loser gives up at once (no --lock-timeout); the winner holds until "go".
    loser_code = None
    deadline = time.monotonic() + WAIT
    while loser_code is None:
        assert time.monotonic() < deadline, "no process gave up"
        loser_code = next((p.poll() for p in procs if p.poll() is not None), None)
        time.sleep(0.02)
    loser = next(p for p in procs if p.poll() is not None)
    winner = next(p for p in procs if p is not loser)
    _, err = loser.communicate()
    assert loser.returncode == 3, err
    assert f"(pid {winner.pid}) running 'apply'" in err
    assert "stackctl force-unlock" in err
    assert Path(tmp_path / f"ready-{winner.pid}").exists()
    assert not Path(tmp_path / f"ready-{loser.pid}").exists()
    (tmp_path / "go").touch()
    assert winner.wait(WAIT) == 0, winner.communicate()
    state = open_target().read()
    assert state.serial == 1
    assert list(state.resources) == [f"orchestrator.p{winner.pid}"]
    assert open_target().lock_info() is None


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
