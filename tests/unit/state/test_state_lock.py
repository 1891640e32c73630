"""Contract: the write lock, its holder info, timeouts, stale holders, force-unlock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace

import pytest

from stackctl.errors import NotFoundError, StateLockedError
from stackctl.state import locking


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # reaped: the pid names no process now
    return proc.pid


def lock_as(monkeypatch, **fields):
    """Make the next lock record claim other identity fields (pid, host ...)."""
    original = locking.new_lock
    monkeypatch.setattr(locking, "new_lock", lambda op: replace(original(op), **fields))


def test_lock_records_who_and_releases(store):
    assert store.lock_info() is None
    with store.lock("apply") as mine:
        assert mine.pid == os.getpid()
        assert mine.operation == "apply"
        assert "@" in mine.who
        assert mine.host and mine.since.endswith("Z")
        info = store.lock_info()
        assert info is not None
        assert (info.id, info.pid, info.operation, info.stale) == (
            mine.id,
            mine.pid,
            "apply",
            False,
        )
    assert store.lock_info() is None


def test_lock_released_on_exception(store):
    with pytest.raises(RuntimeError), store.lock("apply"):
        raise RuntimeError("boom")
    assert store.lock_info() is None


def test_second_writer_is_told_who_holds_the_lock(backend):
    first, second = backend.open(), backend.open()
    with first.lock("apply") as mine:
        with pytest.raises(StateLockedError) as caught:
            with second.lock("destroy"):
                pytest.fail("two writers at once")
        # The lock is not re-entrant either: nested lock() is a second writer.
        with pytest.raises(StateLockedError), first.lock("refresh"):
            pass
    err = caught.value
    assert err.lock_id == mine.id
    assert err.holder == mine.who
    assert err.exit_code == 3
    assert f"held by {mine.who} (pid {os.getpid()}) running 'apply'" in err.message
    assert mine.since[:19] in err.message
    assert f"stackctl force-unlock {mine.id}" in err.hint
    with second.lock("destroy"):  # free again
        pass


def test_timeout_waits_for_the_holder(backend):
    first, second = backend.open(), backend.open()
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with first.lock("apply"):
            taken.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    threading.Timer(0.3, release.set).start()
    with second.lock("apply", timeout=20) as mine:
        assert second.lock_info().id == mine.id
    thread.join()


def test_timeout_expires_with_the_holder_named(backend):
    first, second = backend.open(), backend.open()
    with first.lock("apply"), pytest.raises(StateLockedError, match="after waiting 0.2s"):
        with second.lock("apply", timeout=0.2):
            pass


# pid/host staleness is how SQLite and memory stores decide; PostgreSQL decides by the
# holder's session instead (tested in test_state_postgres), so these run on the first two.
PID_STALENESS = pytest.mark.parametrize("backend", ["memory", "sqlite"], indirect=True)


@PID_STALENESS
def test_stale_lock_is_reported_and_taken_over(backend, monkeypatch):
    crashed, survivor = backend.open(), backend.open()
    lock_as(monkeypatch, pid=dead_pid())  # the holder "dies"
    held = crashed.lock("apply")
    old = held.__enter__()  # never exited: like a process killed with SIGKILL
    monkeypatch.undo()
    info = survivor.lock_info()
    assert info is not None and info.id == old.id and info.stale
    assert "(stale: holder is gone)" in info.describe()
    with survivor.lock("apply") as mine:
        assert survivor.lock_info().id == mine.id != old.id


@PID_STALENESS
def test_lock_on_another_host_is_never_called_stale(backend, monkeypatch):
    remote, local = backend.open(), backend.open()
    lock_as(monkeypatch, pid=dead_pid(), host="build-7", who="ci@build-7")
    held = remote.lock("apply")
    held.__enter__()  # kept referenced: a collected generator would release it
    monkeypatch.undo()
    assert local.lock_info().stale is False
    with pytest.raises(StateLockedError, match="build-7"), local.lock("apply"):
        pass


def test_force_unlock(backend):
    stuck, rescuer = backend.open(), backend.open()
    with pytest.raises(NotFoundError, match="not locked"):
        rescuer.force_unlock("nope")
    held = stuck.lock("apply")
    info = held.__enter__()
    with pytest.raises(NotFoundError, match=f"current lock id is {info.id}"):
        rescuer.force_unlock("wrong-id")
    rescuer.force_unlock(info.id)
    assert rescuer.lock_info() is None
    with rescuer.lock("apply") as mine:
        held.__exit__(None, None, None)  # the old holder finishing must not free our lock
        assert rescuer.lock_info().id == mine.id


def test_ci_job_url_is_recorded(store, monkeypatch):
    monkeypatch.setenv("CI_JOB_URL", "https://gitlab.example/jobs/42")
    with store.lock("apply"):
        assert store.lock_info().context == "https://gitlab.example/jobs/42"
        assert "[https://gitlab.example/jobs/42]" in store.lock_info().describe()


def test_github_run_becomes_a_url(monkeypatch):
    monkeypatch.delenv("CI_JOB_URL", raising=False)
    monkeypatch.setenv("GITHUB_RUN_ID", "99")
    monkeypatch.setenv("GITHUB_REPOSITORY", "org/infra")
    monkeypatch.delenv("GITHUB_SERVER_URL", raising=False)
    assert locking.ci_context() == "https://github.com/org/infra/actions/runs/99"
    monkeypatch.delenv("GITHUB_RUN_ID")
    assert locking.ci_context() == ""


def test_sigterm_releases_the_lock_and_restores_the_handler(store):
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), store.lock("apply"):
        os.kill(os.getpid(), signal.SIGTERM)
        signal.pause()  # the handler raises before we get here
    assert store.lock_info() is None
    assert signal.getsignal(signal.SIGTERM) is before


def test_readers_do_not_need_the_lock(backend):
    writer, reader = backend.open(), backend.open()
    with writer.lock("apply"):
        assert reader.read().serial == 0
        assert reader.history() == []
        assert reader.runs() == []
        assert reader.journal() == []


def test_journal(store):
    assert store.journal() == []
    store.journal_begin("orchestrator.local", "create", {"config": {"a": [1]}})
    store.journal_begin("stack.dev", "delete", {})
    store.journal_begin("orchestrator.local", "update", {"config": {"a": [2]}})
    entries = {e["address"]: e for e in store.journal()}
    assert entries["orchestrator.local"]["action"] == "update"
    assert entries["orchestrator.local"]["payload"] == {"config": {"a": [2]}}
    assert entries["stack.dev"]["since"].endswith("Z")
    store.journal_end("orchestrator.local")
    store.journal_end("never.started")  # harmless
    assert [e["address"] for e in store.journal()] == ["stack.dev"]
