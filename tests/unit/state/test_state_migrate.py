"""migrate_state: everything copied, lineage kept, another state never overwritten."""

from __future__ import annotations

import pytest

from stackctl.errors import StateError
from stackctl.model import ArtifactRecord, Resource, Run, RunStatus, StepRun
from stackctl.state.memory import MemoryStateStore
from stackctl.state.migrate import migrate_state
from stackctl.state.sqlite import SqliteStateStore


def fill(store) -> None:
    for n in range(3):
        with store.lock("apply"):
            store.commit(
                upserts=[
                    Resource(f"orchestrator.o{n}", "orchestrator", f"o{n}", "local", {"n": n})
                ],
                deletes=["orchestrator.o0"] if n == 2 else [],
                operation="apply",
                who="ann",
                summary=f"step {n}",
                changes=[{"address": f"orchestrator.o{n}", "actions": ["create"]}],
            )
    for n, started in enumerate(["2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"]):
        store.record_run(Run(f"run{n}", "training", "dev", RunStatus.COMPLETED, started))
        store.record_step(StepRun(f"run{n}", "load", RunStatus.COMPLETED, cache_key=f"k{n}"))
        store.record_artifacts(
            [ArtifactRecord(f"run{n}", "load", "output", "file:///x", "d", 1, "json", "int")]
        )


def test_everything_is_copied_with_the_lineage(backend):
    src = MemoryStateStore()
    fill(src)
    dst = backend.open()
    dump = migrate_state(src, dst)
    assert dst.export_dump() == src.export_dump() == dump
    assert dst.read() == src.read()
    assert dst.history() == src.history()
    assert dst.state_at(1) == src.state_at(1)
    assert [r.id for r in dst.runs()] == ["run0", "run1"]
    assert dst.cache_lookup("k1")[0].run_id == "run1"
    assert dst.lock_info() is None and src.lock_info() is None
    with dst.lock("apply"):  # the copy keeps counting from the source's serial
        assert dst.commit(operation="apply", who="ann", summary="next").serial == 4


def test_sqlite_to_memory_and_back_again(tmp_path):
    src = SqliteStateStore(tmp_path / "state.db")
    fill(src)
    middle = MemoryStateStore()
    migrate_state(src, middle)
    migrate_state(src, middle)  # a retried migration onto the same lineage is fine
    back = SqliteStateStore(tmp_path / "copy.db")
    migrate_state(middle, back)
    assert back.export_dump() == src.export_dump()


def test_another_state_is_never_overwritten(backend):
    src = MemoryStateStore()
    fill(src)
    dst = backend.open()
    with dst.lock("apply"):
        dst.commit(operation="apply", who="bob", summary="mine")
    before = dst.export_dump()
    with pytest.raises(StateError, match="already holds another state") as caught:
        migrate_state(src, dst)
    assert "empty" in caught.value.hint
    assert dst.export_dump() == before
    assert dst.lock_info() is None
