"""Run liveness from the heartbeat lease: `interrupted` from any host once beats stop."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.model import Run, RunStatus, StepRun
from stackctl.runtime.heartbeat import LEASE_S, Heartbeat, beating
from stackctl.runtime.liveness import (
    INTERRUPTED,
    effective_status,
    lease_expired,
    matching_runs,
    step_status,
)
from stackctl.state.memory import MemoryStateStore

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _run(beat_age_s: float | None, *, host: str = "another-host", **kw: object) -> Run:
    run = Run("r1", "p", "dev", RunStatus.RUNNING, NOW.isoformat(), extra={"pid": 1, "host": host})
    if beat_age_s is not None:
        run = beating(run, (NOW - timedelta(seconds=beat_age_s)).isoformat())
    return replace(run, **kw)  # type: ignore[arg-type]


def test_a_run_on_another_host_is_running_while_it_beats() -> None:
    assert effective_status(_run(1.0), NOW) == "running"
    assert effective_status(_run(LEASE_S - 1), NOW) == "running"


def test_a_run_whose_beats_stopped_is_interrupted_from_any_host() -> None:
    assert effective_status(_run(LEASE_S + 1), NOW) == INTERRUPTED


def test_finished_runs_keep_their_status_whatever_the_beat() -> None:
    run = _run(3600.0, status=RunStatus.CANCELLED)
    assert effective_status(run, NOW) == "cancelled"


def test_a_run_from_before_leases_falls_back_to_the_pid_check() -> None:
    assert effective_status(_run(None), NOW) == "running"  # another host: unknown


@pytest.mark.parametrize("beat", ["", "yesterday", "2026-13-01T00:00:00"])
def test_a_garbled_beat_never_marks_a_run_interrupted(beat: str) -> None:
    run = _run(None, extra={"host": "x", "beat": beat, "lease_s": 1})
    assert not lease_expired(run, NOW)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_the_lease_boundary(age: float) -> None:
    assert lease_expired(_run(age), NOW) == (age > LEASE_S)


def test_only_the_in_flight_step_of_an_interrupted_run_is_marked() -> None:
    running = StepRun("r1", "a", RunStatus.RUNNING)
    done = StepRun("r1", "b", RunStatus.COMPLETED)
    assert step_status(running, INTERRUPTED) == INTERRUPTED
    assert step_status(done, INTERRUPTED) == "completed"
    assert step_status(running, "running") == "running"


def test_status_filter_matches_the_derived_status() -> None:
    store = MemoryStateStore()
    fresh = datetime.now(UTC)
    store.record_run(beating(_run(None, id="dead"), (fresh - timedelta(hours=1)).isoformat()))
    store.record_run(beating(_run(None, id="alive"), fresh.isoformat()))
    found = matching_runs(store, None, None, INTERRUPTED, 10)
    assert [(run.id, shown) for run, shown in found] == [("dead", INTERRUPTED)]
    assert {run.id for run, _ in matching_runs(store, None, None, None, 10)} == {"dead", "alive"}


def test_the_heartbeat_keeps_beating_into_state_until_stopped() -> None:
    store = MemoryStateStore()
    run = beating(_run(None), "2000-01-01T00:00:00+00:00")
    store.record_run(run)
    holder = {"run": run}
    with Heartbeat(
        store, lambda: holder["run"], lambda r: holder.update(run=r), threading.Lock(), 0.05
    ):
        time.sleep(0.5)
        assert effective_status(store.run("r1")) == "running"
    last = store.run("r1").extra["beat"]
    assert last != "2000-01-01T00:00:00+00:00" and holder["run"].extra["beat"] == last
    time.sleep(0.2)
    assert store.run("r1").extra["beat"] == last  # stopped: no beat after the exit
