"""A run's lease is stamped and judged on the state database's clock: hosts sharing
PostgreSQL whose clocks disagree still agree that a live run is `running`, and a run
whose beats stopped becomes `interrupted` once the lease passed on the database's clock.

Skew is simulated by moving this process's clock (as the heartbeat and liveness modules
see it) two minutes away from the server's: four times the lease.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stackctl.model import Run, RunStatus
from stackctl.runtime import heartbeat, liveness
from stackctl.runtime.heartbeat import LEASE_S, Heartbeat, beating
from stackctl.runtime.liveness import effective_status, matching_runs
from stackctl.state import clock
from stackctl.state.clock import database_now
from stackctl.state.postgres import PostgresStateStore

pytestmark = pytest.mark.postgres

SKEW = timedelta(seconds=4 * LEASE_S)


def _skewed(by: timedelta) -> Any:
    class Skewed(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(tz) + by

    return Skewed


def _run(host: str = "elsewhere") -> Run:
    # another host: the same-host pid shortcut cannot decide, only the lease
    return Run(
        id=uuid.uuid4().hex,
        pipeline="p",
        stack="dev",
        status=RunStatus.RUNNING,
        started_at=datetime.now(UTC).isoformat(),
        extra={"pid": 1, "host": host},
    )


def test_the_server_clock_is_used(pg_url: str) -> None:
    store = PostgresStateStore(pg_url)
    try:
        server = database_now(store)
        assert server.tzinfo is not None
        assert abs((server - datetime.now(UTC)).total_seconds()) < 5  # same machine here
    finally:
        store.close()


def test_a_live_run_beaten_by_a_skewed_writer_is_running_for_a_skewed_reader(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, reader = PostgresStateStore(pg_url), PostgresStateStore(pg_url)
    try:
        # the owner's clock is two minutes behind, the reader's two minutes ahead
        monkeypatch.setattr(heartbeat, "datetime", _skewed(-SKEW))
        monkeypatch.setattr(clock, "datetime", _skewed(-SKEW))
        run = beating(_run(), database_now(writer).isoformat())
        writer.record_run(run)
        box = {"run": run}

        def keep(beaten: Run) -> None:
            box["run"] = beaten

        with Heartbeat(writer, lambda: box["run"], keep, threading.Lock(), interval=0.1):
            time.sleep(0.5)  # a few beats
            monkeypatch.setattr(liveness, "datetime", _skewed(SKEW))
            monkeypatch.setattr(clock, "datetime", _skewed(SKEW))
            seen = reader.run(run.id)
            assert seen.extra["beat"] != run.extra["beat"]  # it did beat
            assert effective_status(seen, database_now(reader)) == "running"
            [(listed, shown)] = matching_runs(reader, None, None, None, 10)
            assert (listed.id, shown) == (run.id, "running")
            # what a reader judging by its own clock would have said: the bug this fixes
            assert effective_status(seen, datetime.now(UTC) + SKEW) == "interrupted"
    finally:
        writer.close()
        reader.close()


def test_a_run_whose_beats_stopped_is_interrupted_once_the_lease_passed(pg_url: str) -> None:
    store = PostgresStateStore(pg_url)
    try:
        server = database_now(store)
        fresh = beating(_run(), (server - timedelta(seconds=LEASE_S / 2)).isoformat())
        stale = beating(_run(), (server - timedelta(seconds=LEASE_S * 2)).isoformat())
        store.record_run(fresh)
        store.record_run(stale)
        shown = {r.id: s for r, s in matching_runs(store, None, None, None, 10)}
        assert shown == {fresh.id: "running", stale.id: "interrupted"}
        only = matching_runs(store, None, None, "interrupted", 10)
        assert [r.id for r, _ in only] == [stale.id]
        done = replace(stale, status=RunStatus.COMPLETED)
        store.record_run(done)
        assert effective_status(store.run(done.id), database_now(store)) == "completed"
    finally:
        store.close()


def test_client_status_judges_the_lease_on_the_database_clock(
    pg_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stackctl import client

    (tmp_path / "stackctl.yaml").write_text(
        f"project: lease\nstate:\n  backend: postgres\n  url: {pg_url}\n"
    )
    store = PostgresStateStore(pg_url)
    try:
        run = beating(_run(), database_now(store).isoformat())
        store.record_run(run)
    finally:
        store.close()
    # this host's clock is two minutes ahead: by it, the lease has long passed
    monkeypatch.setattr(liveness, "datetime", _skewed(SKEW))
    monkeypatch.setattr(clock, "datetime", _skewed(SKEW))
    seen = client.run(run.id, project=tmp_path)
    assert client.status(seen, project=tmp_path) == "running"
    assert effective_status(seen) == "interrupted"  # what the local clock would say
    done = replace(seen, status=RunStatus.COMPLETED)
    assert client.status(done, project=tmp_path) == "completed"
