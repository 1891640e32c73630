"""Hooks: how a hook is called, and that a failing one is a warning line, never a raise."""

from __future__ import annotations

from typing import Any

import pytest

from stackctl.errors import StackctlError
from stackctl.runtime.hooks import HookContext, call_hook, hook_refs, run_hooks, uses_alerter

CONTEXT = HookContext(
    "on_failure", "r1", "p", "dev", "train", "ValueError", "bad", exception=ValueError("bad")
)
seen: list[Any] = []


def with_context(context: HookContext) -> None:
    seen.append(context.step)


def with_nothing() -> None:
    seen.append("nothing")


def with_exception(exception: BaseException) -> None:  # ZenML's signature
    seen.append(exception)


def annotated(e: ValueError) -> None:
    seen.append(("annotated", e))


def broken(context: HookContext) -> None:
    raise RuntimeError("the hook itself broke\nsecond line")


def exits(context: HookContext) -> None:
    raise SystemExit(3)


def interrupted(context: HookContext) -> None:
    raise KeyboardInterrupt


@pytest.fixture(autouse=True)
def _clear() -> None:
    seen.clear()


@pytest.mark.parametrize(
    ("hook", "expected"),
    [
        (with_context, "train"),
        (with_nothing, "nothing"),
        (with_exception, CONTEXT.exception),
        (annotated, ("annotated", CONTEXT.exception)),
    ],
)
def test_a_hook_gets_what_its_parameters_ask_for(hook: Any, expected: Any) -> None:
    call_hook(hook, CONTEXT)
    assert seen == [expected]


def _run(*refs: str) -> list[str]:
    warnings: list[str] = []
    run_hooks(refs, CONTEXT, lambda ref: globals()[ref.partition(":")[2]], warnings.append)
    return warnings


def test_a_failing_hook_is_one_warning_line_and_the_next_hook_still_runs() -> None:
    warnings = _run("mod:broken", "mod:exits", "mod:with_context")
    assert warnings == [
        "hook on_failure (mod:broken) failed: RuntimeError: the hook itself broke",
        "hook on_failure (mod:exits) failed: SystemExit: 3",
    ]
    assert seen == ["train"]


def test_ctrl_c_in_a_hook_still_stops_the_run() -> None:
    with pytest.raises(KeyboardInterrupt):
        _run("mod:interrupted")


def test_alerter_means_the_builtin_for_the_event() -> None:
    imported: list[str] = []

    def importer(ref: str) -> Any:
        imported.append(ref)
        return with_nothing

    run_hooks(("alerter",), CONTEXT, importer, lambda line: None)
    assert imported == ["stackctl.hooks:alerter_failure_hook"]


def test_the_builtin_without_an_alerter_says_so() -> None:
    from stackctl.hooks import alerter_failure_hook

    warnings: list[str] = []
    run_hooks(("alerter",), CONTEXT, lambda ref: alerter_failure_hook, warnings.append)
    assert warnings == [
        "hook on_failure (alerter) failed: StackctlError: stack 'dev' has no alerter"
    ]


def test_sdk_hooks_become_references() -> None:
    from stackctl.hooks import alerter_failure_hook

    refs = hook_refs([alerter_failure_hook, "alerter", with_context], "on_failure")
    assert refs == (
        "stackctl.hooks:alerter_failure_hook",
        "alerter",
        f"{__name__}:with_context",
    )
    assert uses_alerter(refs[:1]) and uses_alerter(refs[1:2]) and not uses_alerter(refs[2:])


@pytest.mark.parametrize("bad", [lambda c: None, "not a reference", 42])
def test_a_hook_a_worker_cannot_import_is_refused_at_the_decorator(bad: Any) -> None:
    with pytest.raises(StackctlError):
        hook_refs(bad, "on_failure")


def test_hooks_reach_the_spec_and_only_a_hooked_pipeline_changes_version() -> None:
    from stackctl.hooks import alerter_failure_hook
    from stackctl.model import hook_fields
    from stackctl.runtime.compiler import pipeline_version
    from stackctl.runtime.sdk import pipeline, step

    @step
    def plain() -> int:
        return 1

    @step(on_failure=alerter_failure_hook, on_success="alerter")
    def hooked() -> int:
        return 1

    @pipeline(name="p")
    def without() -> None:
        plain()

    @pipeline(name="p", on_failure=[with_context])
    def with_hooks() -> None:
        hooked()

    bare = without.spec
    assert hook_fields(bare) == {} and hook_fields(bare.steps[0]) == {}
    spec = with_hooks.spec
    assert spec.on_failure == (f"{__name__}:with_context",)
    assert spec.steps[0].on_failure == ("stackctl.hooks:alerter_failure_hook",)
    assert spec.steps[0].on_success == ("alerter",)
    assert pipeline_version(spec) != pipeline_version(bare)
