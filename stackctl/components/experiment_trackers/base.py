"""The experiment tracker contract (the ``mlflow`` flavor implements it).

Constructed as ``Cls(name, config, root)``; instances must be picklable because steps
reach them through ``get_step_context()`` inside orchestrator workers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class ExperimentTracker(Protocol):
    """Logs a step's parameters and metrics to a tracking backend."""

    name: str

    def run_id(self) -> str | None:
        """The tracker's id of the current tracked run, if one is active."""
        ...

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Record parameters (JSON-able values) of the current run."""
        ...

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        """Record numeric metrics, optionally at a training step."""
        ...
