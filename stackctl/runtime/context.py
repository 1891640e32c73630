"""The step context: what a running step may ask about its run and stack."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.components.experiment_trackers.base import ExperimentTracker
from stackctl.errors import StackctlError
from stackctl.frozen import frozen


@frozen
class StepContext:
    """The run, step and stack a step function is executing in."""

    run_id: str
    pipeline: str
    step: str
    stack: str
    attempt: int  # 1 on the first try
    components: Mapping[str, Mapping[str, Any]]  # type -> {name, flavor, config (redacted)}
    artifact_store: ArtifactStore
    experiment_tracker: ExperimentTracker | None
    alerter: Any | None = None  # the stack's: stackctl.alert() sends through it
    # The stack's data validator / feature store instances (None when the stack has
    # none). Building them imports nothing: feast and pandera load on first use.
    data_validator: Any | None = None
    feature_store: Any | None = None


_current: ContextVar[StepContext | None] = ContextVar("stackctl_step_context", default=None)


def get_step_context() -> StepContext:
    """The context of the step running now (StackctlError outside a step)."""
    context = _current.get()
    if context is None:
        raise StackctlError(
            "get_step_context() was called outside a running step",
            hint="call it inside a @step function while a pipeline runs",
        )
    return context


@contextmanager
def step_context(context: StepContext) -> Iterator[StepContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
