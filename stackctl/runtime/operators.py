"""Steps that name a step operator: checked against the stack, wrapped for the session.

``validate`` checks pipelines that pin a stack (config/operators.py); this checks the
stack a run actually uses, before anything is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stackctl.components.step_operators.base import OperatedStep
from stackctl.errors import StackctlError
from stackctl.model import PipelineSpec, StepSpec
from stackctl.runtime.stack import ActiveStack


def check_operators(spec: PipelineSpec, stack: ActiveStack) -> None:
    """StackctlError at the step when the stack has no step operator of that name."""
    have = stack.components.get("step_operator")
    for step in spec.steps:
        wanted = step.step_operator
        if wanted and getattr(have, "name", None) != wanted:
            there = f"step operator {have.name!r}" if have is not None else "no step operator"
            raise StackctlError(
                f"step {step.name!r} wants step operator {wanted!r}, but stack "
                f"{stack.name!r} has {there}",
                location=step.location,
                hint=f"add `step_operator: {wanted}` to stack {stack.name!r} (or "
                f"`stackctl stack update {stack.name} -s {wanted}`), or run on a stack that has it",
            )


def task_function(
    step: StepSpec, stack: ActiveStack, execute: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    """``execute``, or ``execute`` handed to the stack's step operator."""
    if not step.step_operator:
        return execute
    return OperatedStep(stack.components["step_operator"], execute)
