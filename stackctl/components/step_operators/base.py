"""The step operator contract, and the task wrapper that hands a step to one.

ZenML's split: the orchestrator still schedules every step, but a step that names a
step operator (``@step(step_operator="NAME")``) is submitted as ``OperatedStep(op,
fn)``; wherever the orchestrator runs it, it asks the operator to run ``fn(task)``
elsewhere and waits. So any orchestrator works with any operator, and the run loop
sees one more task like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from stackctl.frozen import frozen


class StepOperator(Protocol):
    """Runs one task elsewhere. Constructed as ``Cls(name, config, root)``; picklable."""

    name: str

    def run(self, fn: Callable[[Any], Any], task: Any) -> Any:
        """``fn(task)`` on the operator's workers; its result. Blocks; the step's lines
        come back through ``stackctl.lines``; KeyboardInterrupt stops the remote task."""
        ...


@frozen
class OperatedStep:
    """The picklable task function of a step that runs on a step operator."""

    operator: StepOperator
    fn: Callable[[Any], Any]

    def __call__(self, task: Any) -> Any:
        return self.operator.run(self.fn, task)
