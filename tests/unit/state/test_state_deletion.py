"""`delete_runs` and `object_references` on every store (the prune's state contract)."""

from __future__ import annotations

from stackctl.model import (
    ArtifactRecord,
    MetadataEntry,
    NamedOutput,
    Run,
    RunStatus,
    StepInput,
    StepRun,
)
from stackctl.state.base import StateStore

SHA = "ab" + "0" * 62


def _run(store: StateStore, run_id: str) -> ArtifactRecord:
    store.record_run(
        Run(run_id, "p", "default", RunStatus.COMPLETED, f"2026-01-01T00:00:0{run_id[-1]}")
    )
    store.record_step(StepRun(run_id, "s", RunStatus.COMPLETED, log_uri=f"/r/logs/{run_id}/s.log"))
    record = ArtifactRecord(
        run_id, "s", "output", f"/r/ab/{SHA}/{run_id}.json", SHA, 1, "json", "int"
    )
    store.record_artifacts([record])
    store.record_metadata([MetadataEntry(run_id, "run", "", "", "k", 1)])
    return record


def test_deleting_a_run_takes_its_rows_and_keeps_versions(store: StateStore) -> None:
    first = _run(store, "run1")
    _run(store, "run2")
    store.record_inputs([StepInput("run2", "s", "x", "run1", "s", "output", first.uri, SHA)])
    store.record_versions([(NamedOutput("data"), first)])
    refs = store.object_references()
    assert ("run1", first.uri) in refs and ("", first.uri) in refs
    assert ("run2", first.uri) in refs  # the step input
    assert ("run1", "/r/logs/run1/s.log") in refs

    assert store.delete_runs(["run1", "nope"]) == 1

    assert [r.id for r in store.runs()] == ["run2"]
    assert store.artifacts("run1") == [] and store.steps("run1") == []
    assert store.metadata("run1") == []
    assert [v.run_id for v in store.artifact_versions("data")] == ["run1"]
    left = store.object_references()
    assert not any(run == "run1" for run, _ in left)
    assert ("", first.uri) in left  # the named version still points at the object
    assert store.delete_runs([]) == 0
