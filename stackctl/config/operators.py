"""``step_operator: NAME`` on a step must name a step operator the pipeline can use.

Checked by ``validate`` (issue 15): the component must be declared, and when the
pipeline pins a ``stack:``, that stack must include it (a stack has at most one step
operator, ZenML's rule). A pipeline without ``stack:`` runs on whatever stack is
active, so the run checks that one (runtime/operators.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from stackctl.config.declared import Collector, Declared
from stackctl.config.schema import closest
from stackctl.model import PipelineSpec, StackSpec


def check_step_operators(
    out: Collector,
    decls: Mapping[str, Declared],
    pipelines: Mapping[str, PipelineSpec],
    stacks: Mapping[str, StackSpec],
    declared: list[str],
) -> None:
    """Report each step whose ``step_operator`` the pipeline's stack cannot provide."""
    for name, pipeline in pipelines.items():
        decl = decls.get(name)
        if decl is None or not isinstance(decl.value, dict) or "source" in decl.value:
            continue  # SDK pipelines are checked when they run
        stack = stacks.get(pipeline.stack or "")
        for step in pipeline.steps:
            wanted = step.step_operator
            if not wanted:
                continue
            at = (*decl.path, "steps", step.name, "step_operator")
            if wanted not in declared:
                out.add_value(
                    decl.doc,
                    at,
                    f"step {step.name!r}: step operator {wanted!r} is not declared",
                    closest(wanted, declared)
                    or "declare it under `components: step_operator:` and add it to the "
                    "stack as `step_operator: NAME`",
                )
            elif stack is not None and stack.components.get("step_operator") != wanted:
                has = stack.components.get("step_operator")
                out.add_value(
                    decl.doc,
                    at,
                    f"step {step.name!r}: stack {stack.name!r} has "
                    + (f"step operator {has!r}, not {wanted!r}" if has else "no step operator"),
                    f"add `step_operator: {wanted}` to stack {stack.name!r}",
                )
