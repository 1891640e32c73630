"""Run records with real objects behind them, written without running a pipeline.

The prune tests need many runs with outputs shared between them (cache hits, equal
bytes), named versions and model versions: building them directly keeps those tests
fast and lets them choose exactly what each record points at.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stackctl.components.artifact_stores.base import ArtifactStore, read_verified
from stackctl.model import (
    ArtifactRecord,
    ModelDecl,
    NamedOutput,
    Run,
    RunStatus,
    StepInput,
    StepRun,
)
from stackctl.state.base import StateStore


def record_run(
    state: StateStore,
    store: ArtifactStore,
    outputs: Mapping[str, bytes],
    *,
    pipeline: str = "training",
    age_s: float = 0.0,
    status: RunStatus = RunStatus.COMPLETED,
    reuse: list[ArtifactRecord] = (),  # type: ignore[assignment]
    log: bool = False,
) -> tuple[Run, list[ArtifactRecord]]:
    """A run whose step ``make`` wrote ``outputs`` (name -> bytes) into ``store``; the
    artifacts in ``reuse`` are linked as a cached step ``old`` (same URIs)."""
    started = (datetime.now(UTC) - timedelta(seconds=age_s)).isoformat()
    run = Run(uuid.uuid4().hex, pipeline, "default", status, started, started)
    run = Run(
        run.id,
        pipeline,
        "default",
        status,
        started,
        None if status == RunStatus.RUNNING else started,
        stack_snapshot={"components": {"artifact_store": {"name": store.name}}},
    )
    state.record_run(run)
    log_uri = ""
    if log and hasattr(store, "path"):
        log_path = store.path / "logs" / run.id / "make.log"  # type: ignore[attr-defined]
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text("hello\n")
        log_uri = str(log_path)
    state.record_step(StepRun(run.id, "make", RunStatus.COMPLETED, log_uri=log_uri))
    records = []
    for name, data in outputs.items():
        stored = store.put(f"{name}.bin", lambda fp, data=data: fp.write(data))
        records.append(
            ArtifactRecord(
                run.id, "make", name, stored.uri, stored.digest, stored.size, "bytes", "bytes"
            )
        )
    for old in reuse:
        records.append(
            ArtifactRecord(
                run.id,
                "old",
                old.name,
                old.uri,
                old.digest,
                old.size,
                old.materializer,
                old.type,
                old.producer_run_id or old.run_id,
            )
        )
    if reuse:
        state.record_step(
            StepRun(run.id, "old", RunStatus.CACHED, cached_from=f"{reuse[0].run_id}/make")
        )
        first = reuse[0]
        state.record_inputs(
            [
                StepInput(
                    run.id,
                    "old",
                    "x",
                    first.run_id,
                    first.step,
                    first.name,
                    first.uri,
                    first.digest,
                )
            ]
        )
    state.record_artifacts(records)
    return run, records


def publish(
    state: StateStore, record: ArtifactRecord, name: str, tags: tuple[str, ...] = ()
) -> None:
    state.record_versions([(NamedOutput(name, tags), record)])


def make_model_version(state: StateStore, run: Run, model: str = "clf") -> None:
    state.create_model_version(
        ModelDecl(model), run.id, run.pipeline, {}, datetime.now(UTC).isoformat()
    )


def every_record_loads(state: StateStore, store: ArtifactStore) -> int:
    """Load and verify every object a remaining record points at; how many there were."""
    checked = 0
    for run in state.runs(limit=1 << 30):
        for record in state.artifacts(run.id):
            read_verified(store, record.uri, record.digest)
            checked += 1
        for step in state.steps(run.id):
            if step.log_uri:  # logs live beside the objects, outside the content keys
                assert Path(step.log_uri).is_file(), step.log_uri
        for item in state.step_inputs(run.id):
            read_verified(store, item.uri, item.digest)
    for latest in state.artifact_names():
        for version in state.artifact_versions(latest.name):
            read_verified(store, version.uri, version.digest)
            checked += 1
    return checked
