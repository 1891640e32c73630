"""The experiment tracker contract (the ``mlflow`` flavor implements it).

Constructed as ``Cls(name, config, root)``; instances must be picklable because steps
reach them through ``get_step_context()`` inside orchestrator workers.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class TrackedRun:
    """The tracker's run for one step; ``id`` is set once the step logged something."""

    id: str = ""


class ExperimentTracker(Protocol):
    """Logs a step's parameters and metrics to a tracking backend."""

    name: str

    def step_run(self, run_id: str, pipeline: str, step: str) -> AbstractContextManager[TrackedRun]:
        """Bind logging to one step (all its attempts) of a stackctl run; on exit the
        tracked run is ended as finished, or failed when the step raised."""
        ...

    def run_id(self) -> str | None:
        """The tracker's id of the current tracked run, if one is active."""
        ...

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Record parameters (JSON-able values) of the current run."""
        ...

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        """Record numeric metrics, optionally at a training step."""
        ...
