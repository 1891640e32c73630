"""The records between the run loop and ``execute_step``: what a worker is given and
what it returns (both picklable).

Their own module so that the run loop, which builds a ``StepTask`` for every step, need
not import ``execute_step`` with everything it imports (the experiment tracker protocol,
visualizations, output capture, tracebacks: ~4 ms) for a run the cache serves whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from stackctl.frozen import frozen
from stackctl.model import ArtifactRecord, MetadataEntry, StepSpec

if TYPE_CHECKING:  # annotations only: the tracker protocol is the worker's business
    from stackctl.components.artifact_stores.base import ArtifactStore
    from stackctl.components.experiment_trackers.base import ExperimentTracker


@frozen
class StepTask:
    """Everything a worker needs to execute one step (picklable)."""

    run_id: str
    pipeline: str
    stack: str
    step: StepSpec
    params: Mapping[str, Any]  # resolved values
    inputs: Mapping[str, ArtifactRecord]  # argument name -> upstream artifact
    artifact_store: ArtifactStore
    experiment_tracker: ExperimentTracker | None
    components: Mapping[str, Mapping[str, Any]]  # redacted stack snapshot, for the context
    root: str
    backoff_s: float = 0.5  # first retry delay; doubles per attempt
    alerter: Any | None = None  # the stack's alerter: stackctl.alert() and step hooks
    data_validator: Any | None = None  # the stack's, for get_step_context()
    feature_store: Any | None = None


@frozen
class StepResult:
    """What happened to one step; ``error`` is one line, details are in the log."""

    step: str
    ok: bool
    attempts: int
    started_at: str
    finished_at: str
    duration_s: float
    artifacts: tuple[ArtifactRecord, ...] = ()
    log_uri: str = ""
    error: str = ""
    warnings: tuple[str, ...] = field(default=())
    tracker_run_id: str = ""  # the experiment tracker's run of this step, if it logged
    metadata: tuple[MetadataEntry, ...] = ()  # log_metadata calls and output descriptions
    #: where it ran ({executor, address, pid}), set by orchestrators whose workers are
    #: elsewhere (ray, dask, step operators); {} in the run's own process
    ran_on: Mapping[str, Any] = field(default_factory=dict)


def now() -> str:
    return datetime.now(UTC).isoformat()


def store_log(store: ArtifactStore, step: str, text: str) -> str:
    """Persist a step log; "" when even that fails (the error already says why)."""
    try:
        return store.put(f"{step}.log", lambda fp: fp.write(text.encode())).uri
    except Exception:
        return ""
