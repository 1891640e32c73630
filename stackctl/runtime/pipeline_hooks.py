"""Pipeline-level hooks, run once in the main process when a run ends (docs/hooks.md),
and the check, before a run starts, that hooks sending to the alerter have one."""

from __future__ import annotations

from collections.abc import Sequence

from stackctl import lines
from stackctl.errors import StackctlError
from stackctl.model import PipelineSpec, StepSpec
from stackctl.runtime.hooks import HookContext, run_hooks, uses_alerter
from stackctl.runtime.imports import import_function
from stackctl.runtime.stack import ActiveStack


def check_alerter(spec: PipelineSpec, stack: str) -> None:
    """StackctlError at the first hook that sends to an alerter ``stack`` does not have."""
    holders: list[PipelineSpec | StepSpec] = [spec, *spec.steps]
    for holder in holders:
        for event in ("on_failure", "on_success"):
            if uses_alerter(getattr(holder, event)):
                raise StackctlError(
                    f"stack {stack!r} has no alerter; add one or remove {event}",
                    location=holder.location,
                    hint=f"add `alerter: NAME` to stack {stack!r}, or run on a stack with one",
                )


def pipeline_hooks(
    spec: PipelineSpec,
    stack: ActiveStack,
    run_id: str,
    failures: Sequence[tuple[str, str]],
    root: str,
) -> None:
    """The pipeline's on_failure (some step failed) or on_success hooks, once per run.
    A failing hook is a warning line (``pipeline NAME | warning: ...`` on the terminal)."""
    error = failures[0][1] if failures else ""
    if len(failures) > 1:
        error += f" (and {len(failures) - 1} more)"
    context = HookContext(
        event="on_failure" if failures else "on_success",
        run_id=run_id,
        pipeline=spec.name,
        stack=stack.name,
        error=error,
        failed_steps=tuple(name for name, _ in failures),
        alerter=stack.components.get("alerter"),
    )
    refs = spec.on_failure if failures else spec.on_success

    def warn(line: str) -> None:
        lines.emit(f"pipeline {spec.name}", f"warning: {line}")

    run_hooks(refs, context, lambda ref: import_function(ref, root), warn)
