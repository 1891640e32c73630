"""A run owned by a process on another host (shared state) whose heartbeat stopped is
`interrupted` once its lease passed, in `runs list`, `runs show` and `runs logs`; one
whose beat is fresh stays `running`, and `runs logs --follow` of the dead one ends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from support.cli import STACKCTL, call, clean_env

from stackctl.model import Run, RunStatus, StepRun
from stackctl.runtime.heartbeat import LEASE_S, beating
from stackctl.state.sqlite import SqliteStateStore


def _record(store: SqliteStateStore, beat_age_s: float) -> str:
    run = Run(
        id=uuid.uuid4().hex,
        pipeline="training",
        stack="default",
        status=RunStatus.RUNNING,
        started_at=datetime.now(UTC).isoformat(),
        extra={"pid": 4242, "host": "another-host"},  # no pid check can decide here
    )
    beat = datetime.now(UTC) - timedelta(seconds=beat_age_s)
    store.record_run(beating(run, beat.isoformat()))
    store.record_step(StepRun(run.id, "load", RunStatus.COMPLETED, duration_s=0.1))
    store.record_step(StepRun(run.id, "train", RunStatus.RUNNING))
    return run.id


def test_a_run_whose_heartbeat_stopped_is_interrupted(tmp_path: Path) -> None:
    (tmp_path / "stackctl.yaml").write_text("project: lease\n")
    env = clean_env()
    call([STACKCTL, "apply", "--auto-approve"], cwd=tmp_path, env=env)
    store = SqliteStateStore(tmp_path / ".stackctl" / "state.db")
    dead = _record(store, beat_age_s=LEASE_S * 2)
    alive = _record(store, beat_age_s=1)
    store.close()
    listed = call([STACKCTL, "runs", "list", "--json"], cwd=tmp_path, env=env).json()
    assert {r["id"]: r["status"] for r in listed} == {dead: "interrupted", alive: "running"}
    only = call([STACKCTL, "runs", "list", "--status", "interrupted"], cwd=tmp_path, env=env).out
    assert dead[:8] in only and alive[:8] not in only
    shown = call([STACKCTL, "runs", "show", dead, "--json"], cwd=tmp_path, env=env).json()
    assert shown["status"] == "interrupted"
    assert {s["step"]: s["status"] for s in shown["steps"]} == {
        "load": "completed",
        "train": "interrupted",  # in flight when its owner died
    }
    logs = call([STACKCTL, "runs", "logs", dead, "train"], cwd=tmp_path, env=env).out
    assert "step train (interrupted)" in logs
    follow = call([STACKCTL, "runs", "logs", dead, "--follow"], cwd=tmp_path, env=env, timeout=20)
    assert follow.out == ""  # nothing was printed, and nothing more will come
