"""The run loop's two helpers: finding a usable cache hit (runtime/hits.py) and the
write-behind buffer of a run's records (runtime/records.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.model import ArtifactRecord, Run, RunStatus, StepRun
from stackctl.runtime.hits import CacheHits, intact
from stackctl.runtime.publish import Publisher
from stackctl.runtime.records import RunRecords
from stackctl.state.memory import MemoryStateStore


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore("local", {"path": "artifacts"}, tmp_path)


def _stored(store: LocalArtifactStore, run_id: str, name: str, data: bytes) -> ArtifactRecord:
    obj = store.put(f"{name}.bin", lambda fp: fp.write(data))
    return ArtifactRecord(run_id, "make", name, obj.uri, obj.digest, obj.size, "bytes", "bytes")


def _completed(state: MemoryStateStore, run_id: str, key: str, *records: ArtifactRecord) -> None:
    state.record_run(Run(run_id, "p", "default", RunStatus.COMPLETED, "2026-01-01T00:00:00"))
    state.record_step(
        StepRun(run_id, "make", RunStatus.COMPLETED, finished_at="2026-01-01", cache_key=key)
    )
    state.record_artifacts(list(records))


def test_a_hit_from_state_needs_the_same_outputs_and_intact_bytes(store, tmp_path):
    state = MemoryStateStore()
    record = _stored(store, "r1", "output", b"forty-two")
    _completed(state, "r1", "k1", record)
    hits = CacheHits(state, store)
    found = hits.find("k1", ("output",))
    assert found is not None and found[1] == [record]
    assert hits.find("k2", ("output",)) is None  # another key
    assert hits.find("k1", ("output", "extra")) is None  # the step has another output now
    path = Path(store.local_path(record.uri) or "")
    path.write_bytes(b"forty-three")  # same size, other bytes: edited
    assert not intact(store, record)
    assert hits.find("k1", ("output",)) is None
    path.write_bytes(b"forty")  # truncated
    assert hits.find("k1", ("output",)) is None
    path.unlink()  # deleted
    assert hits.find("k1", ("output",)) is None


def test_a_step_of_this_run_is_a_hit_before_state_knows_it(store):
    state = MemoryStateStore()
    hits = CacheHits(state, store)
    record = _stored(store, "r2", "output", b"x")
    done = StepRun("r2", "make", RunStatus.COMPLETED, cache_key="k")
    hits.completed(done, (record,))
    assert hits.find("k", ("output",)) == (done, [record])
    later = StepRun("r2", "again", RunStatus.COMPLETED, cache_key="k")
    hits.completed(later, ())  # the first step with a key stays its producer
    assert hits.find("k", ("output",)) == (done, [record])
    hits.completed(StepRun("r2", "nokey", RunStatus.COMPLETED), (record,))
    assert "" not in hits.in_run


class _FailingOnce(MemoryStateStore):
    def __init__(self) -> None:
        super().__init__()
        self.fail = True

    def record_batch(self, steps: list[StepRun], artifacts: list[ArtifactRecord]) -> None:
        if self.fail:
            self.fail = False
            raise OSError("disk full")
        for step_run in steps:
            self.record_step(step_run)
        self.record_artifacts(artifacts)


def test_a_failed_write_gives_the_records_back_and_a_newer_record_wins():
    state = _FailingOnce()
    state.record_run(Run("r3", "p", "default", RunStatus.RUNNING, "2026-01-01T00:00:00"))
    seen: list[Any] = []
    records = RunRecords(state, Publisher(state, "r3"), seen.append)
    records.step(StepRun("r3", "a", RunStatus.RUNNING))
    records.add_artifacts([ArtifactRecord("r3", "a", "output", "u", "d", 1, "bytes", "bytes")])
    with pytest.raises(OSError, match="disk full"):
        records.flush()
    assert state.steps("r3") == []  # nothing reached state
    records.step(StepRun("r3", "a", RunStatus.COMPLETED))  # newer than the returned one
    records.flush()
    assert [(s.step, s.status) for s in state.steps("r3")] == [("a", RunStatus.COMPLETED)]
    assert [a.name for a in state.artifacts("r3")] == ["output"]
    # listeners heard of every record once, after the write that succeeded
    assert [s.status for s in seen] == [RunStatus.RUNNING, RunStatus.COMPLETED]


def test_sync_makes_what_the_run_wrote_durable_once():
    synced: list[list[str]] = []

    class Buffered:
        def sync(self, uris: list[str]) -> None:
            synced.append(list(uris))

    state = MemoryStateStore()
    records = RunRecords(state, Publisher(state, "r4"), None)
    records.wrote("a", "", "b")  # "" (no log stored) is not an object
    records.sync(Buffered())  # type: ignore[arg-type]
    records.sync(Buffered())  # type: ignore[arg-type]
    assert synced == [["a", "b"]]
    records.wrote("c")
    records.sync(object())  # type: ignore[arg-type]  # durable in put: nothing to do
    assert records.written == ["c"]
