"""Contract: run, step-run and artifact records, listing, prefix lookup, cache lookup."""

from __future__ import annotations

import pytest

from stackctl.errors import NotFoundError
from stackctl.model import ArtifactRecord, Run, RunStatus, StepRun


def run(run_id: str, started: str, *, stack: str = "dev", pipeline: str = "training") -> Run:
    return Run(
        id=run_id, pipeline=pipeline, stack=stack, status=RunStatus.RUNNING, started_at=started
    )


def art(run_id: str, step: str, name: str = "output", producer: str = "") -> ArtifactRecord:
    return ArtifactRecord(
        run_id=run_id,
        step=step,
        name=name,
        uri=f"file:///a/{run_id}/{step}",
        digest="sha256:" + "0" * 64,
        size=2**40,
        materializer="builtins.json",
        type="builtins.dict",
        producer_run_id=producer or run_id,
    )


def test_run_steps_and_artifacts_round_trip(store):
    full = Run(
        id="r1",
        pipeline="training",
        stack="dev",
        status=RunStatus.RUNNING,
        started_at="2026-01-01T10:00:00Z",
        stack_snapshot={"orchestrator": {"flavor": "local", "config": {"key": "(sensitive)"}}},
        pipeline_version="sha256:abc",
        params={"seed": 42, "test_size": 0.2},
        extra={"mlflow_run_id": "m1", "pid": 7},
    )
    store.record_run(full)
    load = StepRun(
        run_id="r1",
        step="load",
        status=RunStatus.COMPLETED,
        started_at="2026-01-01T10:00:01Z",
        finished_at="2026-01-01T10:00:02Z",
        duration_s=1.25,
        attempts=2,
        cache_key="k-load",
        cache_parts={"source": "s1", "params": "p1"},
        log_uri="file:///logs/load.txt",
    )
    train = StepRun(run_id="r1", step="train", status=RunStatus.FAILED, error="ValueError: x")
    store.record_step(load)
    store.record_step(train)
    store.record_artifacts([art("r1", "load"), art("r1", "load", "extra")])
    store.record_artifacts([])
    assert store.run("r1") == full
    assert store.steps("r1") == [load, train]
    assert [a.name for a in store.artifacts("r1")] == ["output", "extra"]
    assert store.artifacts("r1")[0] == art("r1", "load")
    assert store.steps("nope") == [] and store.artifacts("nope") == []


def test_recording_again_replaces_in_place(store):
    store.record_run(run("r1", "2026-01-01T10:00:00Z"))
    store.record_step(StepRun(run_id="r1", step="a", status=RunStatus.PENDING))
    store.record_step(StepRun(run_id="r1", step="b", status=RunStatus.PENDING))
    store.record_step(StepRun(run_id="r1", step="a", status=RunStatus.COMPLETED, attempts=1))
    assert [(s.step, s.status) for s in store.steps("r1")] == [
        ("a", RunStatus.COMPLETED),
        ("b", RunStatus.PENDING),
    ]
    store.finish_run("r1", RunStatus.FAILED, "2026-01-01T10:05:00Z")
    done = store.run("r1")
    assert (done.status, done.finished_at) == (RunStatus.FAILED, "2026-01-01T10:05:00Z")
    with pytest.raises(NotFoundError, match="run 'r9' does not exist"):
        store.finish_run("r9", RunStatus.COMPLETED, "2026-01-01T10:05:00Z")


def test_runs_newest_first_filtered_and_paged(store):
    store.record_run(run("a", "2026-01-01T10:00:00Z"))
    store.record_run(run("b", "2026-01-03T10:00:00Z", stack="prod"))
    store.record_run(run("c", "2026-01-02T10:00:00Z", pipeline="etl"))
    store.record_run(run("d", "2026-01-02T10:00:00Z"))  # same time: later record first
    assert [r.id for r in store.runs()] == ["b", "d", "c", "a"]
    assert [r.id for r in store.runs(stack="dev")] == ["d", "c", "a"]
    assert [r.id for r in store.runs(pipeline="training")] == ["b", "d", "a"]
    assert [r.id for r in store.runs(stack="dev", pipeline="training")] == ["d", "a"]
    assert [r.id for r in store.runs(limit=2)] == ["b", "d"]
    assert [r.id for r in store.runs(limit=2, offset=2)] == ["c", "a"]
    assert store.runs(stack="nope") == []


def test_run_by_unique_prefix(store):
    store.record_run(run("3f9a1c", "2026-01-01T10:00:00Z"))
    store.record_run(run("3f9b22", "2026-01-01T10:00:00Z"))
    store.record_run(run("a_%x", "2026-01-01T10:00:00Z"))
    store.record_run(run("abcx", "2026-01-01T10:00:00Z"))
    assert store.run("3f9a").id == "3f9a1c"
    assert store.run("3f9b22").id == "3f9b22"
    assert store.run("a_").id == "a_%x"  # LIKE wildcards are taken literally
    with pytest.raises(NotFoundError, match="ambiguous: it matches 2 runs") as caught:
        store.run("3f9")
    assert "3f9a1c, 3f9b22" in caught.value.message
    with pytest.raises(NotFoundError, match="does not exist") as caught:
        store.run("3F9A")  # ids are case-sensitive
    assert "stackctl runs list" in caught.value.hint


def test_cache_lookup_finds_the_newest_completed_producer(store):
    assert store.cache_lookup("k") is None
    for run_id, status, finished in [
        ("r1", RunStatus.COMPLETED, "2026-01-01T10:00:00Z"),
        ("r2", RunStatus.COMPLETED, "2026-01-02T10:00:00Z"),
        ("r3", RunStatus.FAILED, "2026-01-03T10:00:00Z"),
        ("r4", RunStatus.CACHED, "2026-01-04T10:00:00Z"),
    ]:
        store.record_run(run(run_id, finished))
        store.record_step(
            StepRun(
                run_id=run_id,
                step="train",
                status=status,
                cache_key="k",
                finished_at=finished,
                cached_from="" if run_id != "r4" else "r2/train",
            )
        )
        store.record_artifacts([art(run_id, "train"), art(run_id, "evaluate")])
    store.record_step(
        StepRun(run_id="r2", step="other", status=RunStatus.COMPLETED, cache_key="k2")
    )
    found = store.cache_lookup("k")
    assert found is not None
    step, artifacts = found
    assert (step.run_id, step.step) == ("r2", "train")
    assert artifacts == [art("r2", "train")]
    assert store.cache_lookup("k2")[1] == []
