"""Reading artifacts of past runs (the Python API behind ``stackctl.client``)."""

from __future__ import annotations

from typing import Any

from stackctl.components.artifact_stores.base import ArtifactStore, VerifiedStore, read_verified
from stackctl.errors import NotFoundError
from stackctl.model import ArtifactRecord, ArtifactVersion
from stackctl.runtime import materializers
from stackctl.state.base import StateStore


def artifact_record(
    state: StateStore, run_id: str, step: str, output: str = "output"
) -> ArtifactRecord:
    """The record of ``step.output`` in a run (``run_id`` may be a unique prefix)."""
    run = state.run(run_id)
    records = state.artifacts(run.id)
    for record in records:
        if record.step == step and record.name == output:
            return record
    known = ", ".join(f"{r.step}.{r.name}" for r in records) or "none"
    raise NotFoundError(
        f"run {run.id[:8]} has no artifact {step}.{output}",
        hint=f"its artifacts: {known}",
    )


def load_artifact(
    state: StateStore, store: ArtifactStore, run_id: str, step: str, output: str = "output"
) -> Any:
    """Load an output of a past run from the artifact store, as the next step would."""
    record = artifact_record(state, run_id, step, output)
    return materializers.by_name(record.materializer).load(store, record.uri)


def read_artifact(
    state: StateStore, store: ArtifactStore, run_id: str, step: str, output: str = "output"
) -> bytes:
    """The stored bytes of an output (for ``stackctl artifacts get``)."""
    record = artifact_record(state, run_id, step, output)
    return read_verified(store, record.uri, record.digest, f"{record.step}.{record.name}")


def load_version(store: ArtifactStore, version: ArtifactVersion) -> Any:
    """Load a named artifact version; its bytes are hashed and compared with the
    recorded digest before the materializer deserialises them (pickle can run code)."""
    verified = VerifiedStore(store, version.digest)
    return materializers.by_name(version.materializer).load(verified, version.uri)


def read_version(store: ArtifactStore, version: ArtifactVersion) -> bytes:
    """The stored bytes of a named artifact version, digest verified."""
    return read_verified(store, version.uri, version.digest, version.label)
