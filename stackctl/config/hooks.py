"""`on_failure:` / `on_success:` in pipeline files (docs/hooks.md).

The schema checked each hook's form; this reads them into the spec and, for a pipeline
that names its `stack:`, reports at validate time a hook that sends to an alerter the
stack does not have (the run checks the stack it really runs on again).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackctl.config.declared import Collector, Declared
from stackctl.model import PipelineSpec, StackSpec

EVENTS = ("on_failure", "on_success")
ALERTER = "alerter"  # the built-in hook (runtime/hooks.py); config/ may not import it


def hooks_of(body: Mapping[str, Any], event: str) -> tuple[str, ...]:
    """The hook references under ``event``: one string or a list of them."""
    value = body.get(event)
    if value is None:
        return ()
    return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)


def check_alerter(out: Collector, decl: Declared, spec: PipelineSpec, stack: StackSpec) -> None:
    """One diagnostic per hook sending to the alerter that ``stack`` lacks."""
    if ALERTER in stack.components or not isinstance(decl.value, dict):
        return
    holders: list[tuple[tuple[str, ...], Mapping[str, Any]]] = [((), decl.value)]
    steps = decl.value.get("steps")
    if isinstance(steps, dict):
        holders += [(("steps", s), b) for s, b in steps.items() if isinstance(b, dict)]
    for sub, body in holders:
        for event in EVENTS:
            if ALERTER in hooks_of(body, event):
                out.add_value(
                    decl.doc,
                    (*decl.path, *sub, event),
                    f"stack {stack.name!r} has no alerter; add one or remove {event}",
                    f"add `alerter: NAME` to stack {stack.name!r} in stacks/*.yaml",
                )
