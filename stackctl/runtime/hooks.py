"""Step and pipeline hooks: ``on_failure`` / ``on_success`` (docs/hooks.md).

A hook is ``"alerter"`` (the built-in that sends to the stack's alerter) or a
``MODULE:FUNCTION`` reference. Step hooks run in the process that ran the step (so they
work on every orchestrator), after its last attempt; pipeline hooks run once in the
main process when the run ends. A hook that raises is reported as one warning line and
never changes the outcome of the step or the run: alerting must not break what it
reports on.

A hook function takes a ``HookContext``, or nothing, or (as in ZenML) the exception:
its parameters are matched by annotation or name (``exception``/``exc``/``error``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any, Literal

from stackctl.components.alerters.base import Alert
from stackctl.errors import StackctlError
from stackctl.frozen import frozen

Event = Literal["on_failure", "on_success"]

#: The built-in hook: send the event to the stack's alerter.
ALERTER = "alerter"
#: What ``ALERTER`` means for each event (the public functions in stackctl/hooks.py).
BUILTIN = {
    "on_failure": "stackctl.hooks:alerter_failure_hook",
    "on_success": "stackctl.hooks:alerter_success_hook",
}
_EXCEPTION_NAMES = ("exception", "exc", "error", "e")


@frozen
class HookContext:
    """What a hook knows about the step (or pipeline run) that finished."""

    event: Event
    run_id: str
    pipeline: str
    stack: str
    step: str | None = None  # None for a pipeline-level hook
    error_type: str = ""  # on_failure: the exception's class name
    error: str = ""  # on_failure: the one-line error
    traceback: str = ""  # on_failure: the last lines of the traceback (user frames)
    failed_steps: tuple[str, ...] = ()  # pipeline hooks: the steps that failed
    exception: BaseException | None = field(default=None, compare=False)
    alerter: Any = field(default=None, compare=False, repr=False)  # the stack's, if any

    @property
    def show_command(self) -> str:
        """The command that shows the run: the "link" every message carries."""
        return f"stackctl runs show {self.run_id}"


def uses_alerter(refs: Sequence[str]) -> bool:
    """Whether any of ``refs`` sends to the stack's alerter."""
    return any(ref == ALERTER or ref in BUILTIN.values() for ref in refs)


def hook_refs(value: Any, event: Event) -> tuple[str, ...]:
    """``@step(on_failure=...)``'s value as references: a function, a string, or a list."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    refs: list[str] = []
    for item in items:
        if isinstance(item, str):
            if item != ALERTER and ":" not in item:
                raise StackctlError(
                    f"{event} hook {item!r} is neither 'alerter' nor MODULE:FUNCTION",
                    hint="pass a function, 'alerter', or a 'package.module:function' string",
                )
            refs.append(item)
            continue
        func = getattr(item, "func", item)  # a @step object stands for its function
        qualname = getattr(func, "__qualname__", "")
        if not callable(func) or "<" in qualname:  # <lambda>, <locals>
            raise StackctlError(
                f"{event} hook {item!r} cannot be imported by name in a worker",
                hint="define the hook as a module-level function",
            )
        refs.append(f"{func.__module__}:{qualname}")
    return tuple(refs)


def run_hooks(
    refs: Sequence[str],
    context: HookContext,
    importer: Callable[[str], Callable[..., Any]],
    warn: Callable[[str], None],
) -> None:
    """Call each hook; a failing one becomes ``warn("hook EVENT (REF) failed: ...")``."""
    for ref in refs:
        try:
            call_hook(importer(BUILTIN[context.event] if ref == ALERTER else ref), context)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit too: a hook never ends the run
            text = getattr(exc, "message", None) or first_line(exc)
            warn(f"hook {context.event} ({ref}) failed: {type(exc).__name__}: {text}")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def alert_of(context: HookContext) -> Alert:
    """The message a built-in hook sends: what finished, where, why, and how to see it."""
    what = f"step {context.step!r}" if context.step else f"pipeline {context.pipeline!r}"
    failed = context.event == "on_failure"
    title = f"{what} {'failed' if failed else 'succeeded'}"
    fields = [("pipeline", context.pipeline), ("run", context.run_id), ("stack", context.stack)]
    if context.step:
        fields.append(("step", context.step))
    if context.failed_steps:
        fields.append(("failed steps", ", ".join(context.failed_steps)))
    error = f"{context.error_type}: {context.error}" if context.error_type else context.error
    return Alert(
        title=title,
        status="failure" if failed else "success",
        text=error if failed else "",
        fields=tuple(fields),
        details=context.traceback if failed else "",
        link=context.show_command,
    )


def send(alerter: Any, stack: str, alert: Alert) -> None:
    """Deliver ``alert`` through ``alerter``, the alerter of ``stack`` (None: it has none)."""
    if alerter is None:
        raise StackctlError(
            f"stack {stack!r} has no alerter",
            hint=f"add one to stack {stack!r} (`alerter: NAME` in stacks/*.yaml)",
        )
    # imported here: the SDK imports this module, and layouts need the email package
    from stackctl.components.alerters.delivery import deliver

    deliver(alerter, alert)


def call_hook(function: Callable[..., Any], context: HookContext) -> None:
    """Call ``function`` with what its parameters ask for (see the module docstring)."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: give it the context
        function(context)
        return
    args = []
    for parameter in parameters:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.default is not parameter.empty and parameter.kind is parameter.KEYWORD_ONLY:
            continue
        args.append(context.exception if _wants_exception(parameter) else context)
    function(*args)


def _wants_exception(parameter: inspect.Parameter) -> bool:
    annotation = parameter.annotation
    if isinstance(annotation, str):  # from __future__ import annotations
        return "Exception" in annotation or parameter.name in _EXCEPTION_NAMES
    if isinstance(annotation, type) and issubclass(annotation, BaseException):
        return True
    return annotation is parameter.empty and parameter.name in _EXCEPTION_NAMES
