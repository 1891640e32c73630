"""Checks on the desired configuration that need flavor knowledge, run before planning.

Schema validation cannot see them: they depend on how two components of a stack work
together (e.g. remote workers need an artifact store they can reach).
"""

from __future__ import annotations

from stackctl.components.reachability import check_shared_store
from stackctl.model import ProjectSpec


def check_stacks(spec: ProjectSpec) -> None:
    """Raise PlanError for the first stack whose components cannot work together."""
    for stack in spec.stacks.values():
        components = spec.stack_components(stack.name)
        check_shared_store(stack, components["orchestrator"], components["artifact_store"])
        if "step_operator" in components:  # its workers need the store just the same
            check_shared_store(stack, components["step_operator"], components["artifact_store"])
