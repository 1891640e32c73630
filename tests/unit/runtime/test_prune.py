"""Which runs a prune lets go and which objects stay referenced (memory state and store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support.run_records import every_record_loads, make_model_version, publish, record_run

from stackctl.components.artifact_stores.memory import MemoryArtifactStore
from stackctl.components.artifact_stores.sweep import Entry
from stackctl.model import Run, RunStatus
from stackctl.runtime.prune import (
    Policy,
    delete_runs,
    is_referenced,
    prune,
    reference_keys,
    select_runs,
)
from stackctl.state.memory import MemoryStateStore

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SHA = "ab" + "0" * 62


def _run(n: int, pipeline: str = "p", hours: float = 0) -> Run:
    started = (NOW - timedelta(hours=hours)).isoformat()
    return Run(f"run{n}", pipeline, "default", RunStatus.COMPLETED, started)


def test_no_policy_lets_no_run_go() -> None:
    assert select_runs([_run(1, hours=1000)], Policy(), [], NOW) == []


def test_keep_last_counts_per_pipeline_newest_first() -> None:
    runs = [_run(i, "a", hours=i) for i in range(4)] + [_run(9, "b", hours=99)]
    doomed = select_runs(runs, Policy(keep_last=2), [], NOW)
    assert [r.id for r in doomed] == ["run2", "run3"]


def test_older_than_and_keep_last_must_both_allow() -> None:
    runs = [_run(0, hours=1), _run(1, hours=30), _run(2, hours=50), _run(3, hours=60)]
    assert [r.id for r in select_runs(runs, Policy(older_than_s=86400), [], NOW)] == [
        "run1",
        "run2",
        "run3",
    ]
    both = select_runs(runs, Policy(keep_last=3, older_than_s=86400), [], NOW)
    assert [r.id for r in both] == ["run3"]


def test_kept_ids_never_go() -> None:
    runs = [_run(0), _run(1, hours=1), _run(2, hours=2)]
    assert [r.id for r in select_runs(runs, Policy(keep_last=0), ["run1"], NOW)] == ["run0", "run2"]


def test_reference_keys_leave_out_dropped_runs() -> None:
    refs = [
        ("r1", f"/s/ab/{SHA}/a.json"),
        ("r2", f"s3://b/p/ab/{SHA}/a.json"),
        ("", "/s/logs/r3/x.log"),
    ]
    assert reference_keys(refs, ["r1"]) == {f"ab/{SHA}/a.json", "logs/r3/x.log"}
    assert reference_keys(refs, ["r1", "r2"]) == {"logs/r3/x.log"}


def test_log_chunks_are_referenced_through_their_prefix() -> None:
    keys = {"logs/r3/x.log"}
    assert is_referenced(Entry("logs/r3/x.log/000001-w", 1, 0), keys)
    assert not is_referenced(Entry("logs/r3/y.log/000001-w", 1, 0), keys)


@pytest.fixture
def world() -> tuple[MemoryStateStore, MemoryArtifactStore]:
    return MemoryStateStore(), MemoryArtifactStore("default", {}, Path("."))


def test_prune_keeps_named_model_and_running_runs(
    world: tuple[MemoryStateStore, MemoryArtifactStore],
) -> None:
    state, store = world
    named, named_records = record_run(state, store, {"a": b"named"}, age_s=500)
    publish(state, named_records[0], "data")
    model, _ = record_run(state, store, {"a": b"model"}, age_s=400)
    make_model_version(state, model)
    live, _ = record_run(state, store, {"a": b"live"}, age_s=300, status=RunStatus.RUNNING)
    old, _ = record_run(state, store, {"a": b"old"}, age_s=200)
    newest, _ = record_run(state, store, {"a": b"new"}, age_s=100)

    result = prune(state, {"default": store}, Policy(keep_last=1, grace_s=0))

    assert [r.id for r in result.runs] == [old.id]
    assert {r.id for r in state.runs()} == {named.id, model.id, live.id, newest.id}
    assert result.protected[named.id] == "artifact data:1"
    assert result.protected[model.id] == "model clf version 1"
    # a run is live: what the deleted records pointed at is kept for a later prune
    assert (result.objects, result.deferred) == (0, 1)
    every_record_loads(state, store)


def test_shared_object_survives_its_producer(
    world: tuple[MemoryStateStore, MemoryArtifactStore],
) -> None:
    state, store = world
    producer, records = record_run(state, store, {"a": b"shared", "b": b"only-mine"}, age_s=200)
    record_run(state, store, {}, age_s=100, reuse=[records[0]])  # a cache hit on "a"

    result = prune(state, {"default": store}, Policy(keep_last=1, grace_s=0))

    assert [r.id for r in result.runs] == [producer.id]
    assert [e.key.rsplit("/", 1)[1] for e in result.stores[0].freed] == ["b.bin"]
    assert every_record_loads(state, store) == 1


def test_dry_run_changes_nothing(world: tuple[MemoryStateStore, MemoryArtifactStore]) -> None:
    state, store = world
    record_run(state, store, {"a": b"1"}, age_s=200)
    record_run(state, store, {"a": b"2"}, age_s=100)
    before = dict(store.objects)

    result = prune(state, {"default": store}, Policy(keep_last=1, grace_s=0), dry_run=True)

    assert (len(result.runs), result.objects, result.bytes, result.dry_run) == (1, 1, 1, True)
    assert store.objects == before and len(state.runs()) == 2


def test_delete_runs_with_artifacts_frees_only_what_they_alone_used(
    world: tuple[MemoryStateStore, MemoryArtifactStore],
) -> None:
    state, store = world
    _, shared = record_run(state, store, {"a": b"shared"})
    gone, _ = record_run(state, store, {"a": b"shared", "b": b"mine"})
    store.objects["ab/" + SHA + "/stray.bin"] = b"an orphan from before: not ours to free here"

    result = delete_runs(state, {"default": store}, [gone], artifacts=True)

    assert [e.key.rsplit("/", 1)[1] for e in result.stores[0].freed] == ["b.bin"]
    assert "ab/" + SHA + "/stray.bin" in store.objects
    assert every_record_loads(state, store) == 1 and shared
