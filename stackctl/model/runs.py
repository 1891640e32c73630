"""What a run leaves in state: the run, each step run, each artifact, named artifact
versions, logged metadata and the inputs each step consumed."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from stackctl.frozen import frozen


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # step-only statuses
    PENDING = "pending"
    CACHED = "cached"
    SKIPPED = "skipped"


@frozen
class ArtifactRecord:
    run_id: str
    step: str
    name: str  # output name
    uri: str
    digest: str  # sha256 of the stored bytes
    size: int
    materializer: str
    type: str  # qualified Python type name
    producer_run_id: str = ""  # the run whose step wrote it (differs from run_id on a cache hit)
    preview: str = ""  # short description computed by the worker (runtime.previews)


@frozen
class StepRun:
    run_id: str
    step: str
    status: RunStatus
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float | None = None
    attempts: int = 0
    cache_key: str = ""
    cache_parts: Mapping[str, str] = field(default_factory=dict)
    cached_from: str = ""  # "run_id/step" of the producer on a cache hit
    error: str = ""
    log_uri: str = ""


def cache_source(run_id: str, step: str, cached_from: str) -> str:
    """Where step ``step`` of run ``run_id`` came from (``cached_from``: the producer's
    ``run_id/step``), as the CLI and the SDK's progress lines say it: the run (short id),
    and the step when it is another one (a step of this run with the same key, or a
    renamed step); "" for a step that was not a hit."""
    if not cached_from:
        return ""
    producer_run, _, producer = cached_from.partition("/")
    if producer_run == run_id:
        return f"step {producer} (this run)"
    return producer_run[:8] + (f"/{producer}" if producer and producer != step else "")


@frozen
class Run:
    id: str
    pipeline: str
    stack: str
    status: RunStatus
    started_at: str
    finished_at: str | None = None
    stack_snapshot: Mapping[str, Any] = field(default_factory=dict)  # redacted, resolved
    pipeline_version: str = ""  # digest of the compiled PipelineSpec
    params: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. mlflow run ids, pid, host


@frozen
class ArtifactVersion:
    """One version of a named artifact: which run and step produced which object."""

    name: str
    version: int
    run_id: str  # the run that published this version
    step: str
    output: str
    uri: str
    digest: str
    size: int
    materializer: str
    type: str
    producer_run_id: str  # the run whose step wrote the object (differs on a cache hit)
    created_at: str
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name}:{self.version}"


@frozen
class MetadataEntry:
    """One logged key: ``scope`` is run, step or artifact; ``step`` is the step that
    logged it (for run scope too), ``output`` the output it describes (artifact scope)."""

    run_id: str
    scope: str  # "run" | "step" | "artifact"
    step: str
    output: str
    key: str
    value: Any


@frozen
class MetadataCopy:
    """Every key the producer step logged (any scope), copied to ``step`` of ``run_id``:
    a cache hit's metadata, copied inside the database when it is recorded."""

    run_id: str
    step: str
    producer_run: str
    producer_step: str


@frozen
class StepInput:
    """What one step of one run consumed: the artifact, and the named version if any."""

    run_id: str
    step: str
    arg: str
    source_run_id: str  # the artifact record it read: (run, step, output)
    source_step: str
    source_output: str
    uri: str
    digest: str
    artifact: str = ""  # the named artifact when the input was one (YAML `artifact:`)
    version: int = 0
