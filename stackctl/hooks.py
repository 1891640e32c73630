"""Built-in hooks and explicit alerts (docs/hooks.md)::

    from stackctl import step, alert
    from stackctl.hooks import alerter_failure_hook, alerter_success_hook

    @step(on_failure=alerter_failure_hook, on_success=alerter_success_hook)
    def train(...): ...

    @step
    def report(accuracy: float) -> None:
        alert(f"accuracy {accuracy:.3f}")   # through the stack's alerter

The names are ZenML's. In YAML the same hook is written ``on_failure: alerter``.
"""

from __future__ import annotations

from stackctl.components.alerters.base import Alert
from stackctl.runtime.context import get_step_context
from stackctl.runtime.hooks import HookContext, alert_of, send

__all__ = ["HookContext", "alert", "alerter_failure_hook", "alerter_success_hook"]


def alerter_failure_hook(context: HookContext) -> None:
    """Send "step X failed" (error, traceback tail, run id) to the stack's alerter."""
    send(context.alerter, context.stack, alert_of(context))


def alerter_success_hook(context: HookContext) -> None:
    """Send "step X succeeded" (run id, stack) to the stack's alerter."""
    send(context.alerter, context.stack, alert_of(context))


def alert(message: str) -> None:
    """Send ``message`` through the stack's alerter, from inside a running step."""
    step = get_step_context()
    fields = (
        ("pipeline", step.pipeline),
        ("run", step.run_id),
        ("stack", step.stack),
        ("step", step.step),
    )
    title = message.strip().splitlines()[0] if message.strip() else "(empty message)"
    link = f"stackctl runs show {step.run_id}"
    send(step.alerter, step.stack, Alert(title, "info", message, fields, link=link))
