"""Retries, failures that skip dependents, and bad input (issue 4 item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackctl.errors import StackctlError, StepFailedError
from stackctl.model import InputRef, PipelineSpec, RunStatus, StepSpec
from stackctl.runtime.run import run_pipeline

STEPS = """
from pathlib import Path
from {package}.calls import called

ATTEMPTS = Path(__file__).parent.parent / "attempts.txt"

def source() -> int:
    called("source")
    return 1

def flaky(x: int) -> int:
    called("flaky")
    with ATTEMPTS.open("a") as f:
        f.write("x")
    if len(ATTEMPTS.read_text()) < 2:
        raise ConnectionError("transient")
    return x + 1

def broken(x: int) -> int:
    called("broken")
    print("about to fail")
    raise ValueError("bad data\\nsecond line")

def after(x: int) -> int:
    called("after")
    return x

def generator() -> object:
    called("generator")
    return (i for i in range(3))

def needs_text(text: str) -> str:
    return text
"""


@pytest.fixture
def steps(project):
    project.write("steps", STEPS.format(package=project.package))
    return project


def statuses(state, run_id):
    return {s.step: s.status for s in state.steps(run_id)}


def visible_files(root: Path) -> list[Path]:
    return [p for p in (root / "artifacts").rglob("*") if p.is_file() and ".tmp" not in p.parts]


def test_retry_then_success(steps, state):
    spec = PipelineSpec(
        "retry",
        (
            StepSpec("source", steps.ref("source")),
            StepSpec("flaky", steps.ref("flaky"), {"x": InputRef("source", "output")}, retries=2),
        ),
    )
    run = run_pipeline(spec, steps.stack(), state, root=steps.root)
    assert run.status is RunStatus.COMPLETED
    flaky = next(s for s in state.steps(run.id) if s.step == "flaky")
    assert flaky.attempts == 2
    log = Path(flaky.log_uri).read_text()
    assert "ConnectionError: transient" in log and "retrying" in log


@pytest.mark.parametrize("orchestrator", ["local", "local_parallel"])
def test_failure_skips_dependents_and_finishes_independent_branches(steps, state, orchestrator):
    spec = PipelineSpec(
        "branches",
        (
            StepSpec("source", steps.ref("source")),
            StepSpec("broken", steps.ref("broken"), {"x": InputRef("source", "output")}),
            StepSpec("downstream", steps.ref("after"), {"x": InputRef("broken", "output")}),
            StepSpec("sibling", steps.ref("after"), {"x": InputRef("source", "output")}),
            StepSpec("nephew", steps.ref("after"), {"x": InputRef("sibling", "output")}),
        ),
    )
    with pytest.raises(StepFailedError) as caught:
        run_pipeline(spec, steps.stack(orchestrator, max_workers=2), state, root=steps.root)
    error = caught.value
    assert error.step == "broken"
    assert error.message == "step 'broken' failed: ValueError: bad data"
    run = state.run(error.run_id)
    assert run.status is RunStatus.FAILED
    assert statuses(state, run.id) == {
        "source": RunStatus.COMPLETED,
        "broken": RunStatus.FAILED,
        "downstream": RunStatus.SKIPPED,
        "sibling": RunStatus.COMPLETED,
        # same function and input bytes as `sibling`: a cache hit within the run
        "nephew": RunStatus.CACHED,
    }
    broken = next(s for s in state.steps(run.id) if s.step == "broken")
    log = Path(broken.log_uri).read_text()
    assert "about to fail" in log and "Traceback" in log and "second line" in log


def test_rerun_after_a_failure_resumes_from_the_cache(steps, state):
    spec = PipelineSpec(
        "resume",
        (
            StepSpec("source", steps.ref("source")),
            StepSpec("flaky", steps.ref("flaky"), {"x": InputRef("source", "output")}),
        ),
    )
    with pytest.raises(StepFailedError):
        run_pipeline(spec, steps.stack(), state, root=steps.root)
    steps.reset_calls()
    run = run_pipeline(spec, steps.stack(), state, root=steps.root)
    assert steps.calls() == ["flaky"]
    assert statuses(state, run.id)["source"] is RunStatus.CACHED


def one_step(steps, function: str, **kw) -> PipelineSpec:
    return PipelineSpec("bad", (StepSpec("only", steps.ref(function), **kw),), params={"p": 1})


def two_steps(steps, consumer: str, arg: str) -> PipelineSpec:
    return PipelineSpec(
        "bad",
        (
            StepSpec("source", steps.ref("source")),
            StepSpec("only", steps.ref(consumer), {arg: InputRef("source", "output")}),
        ),
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda s: PipelineSpec("bad", (StepSpec("only", f"{s.package}.nope:load"),)),
            "cannot import {package}.nope:load: ModuleNotFoundError",
        ),
        (
            lambda s: PipelineSpec("bad", (StepSpec("only", s.ref("missing")),)),
            "cannot import {package}.steps:missing: AttributeError",
        ),
        (
            lambda s: two_steps(s, "needs_text", "text"),
            "input 'text' is a int, but the function expects str",
        ),
        (
            lambda s: one_step(s, "generator"),
            "no materializer can write output 'output' of type generator",
        ),
        (
            lambda s: one_step(s, "source", params={"extra": 1}),
            "parameter 'extra' is not an argument of {package}.steps:source",
        ),
        (
            lambda s: one_step(s, "after", params={"x": "${params.undeclared}"}),
            "parameter 'undeclared' is not declared by the pipeline",
        ),
        (lambda s: one_step(s, "after"), "argument 'x' of {package}.steps:after has no input"),
    ],
    ids=[
        "no-module",
        "no-function",
        "wrong-type",
        "no-materializer",
        "param",
        "ref",
        "missing-arg",
    ],
)
def test_bad_input_fails_the_step_in_one_line(steps, state, make, message):
    with pytest.raises(StepFailedError) as caught:
        run_pipeline(make(steps), steps.stack(), state, root=steps.root)
    error = caught.value
    assert error.step == "only"
    assert error.message.startswith("step 'only' failed: ")
    assert message.format(package=steps.package) in error.message
    assert "\n" not in error.message
    assert state.run(error.run_id).status is RunStatus.FAILED
    only = next(s for s in state.steps(error.run_id) if s.step == "only")
    assert only.status is RunStatus.FAILED and Path(only.log_uri).is_file()
    assert not any(a.step == "only" for a in state.artifacts(error.run_id))
    assert not [
        p
        for p in visible_files(steps.root)
        if p.parent.parent.parent.name == "artifacts" and p.stem == "output" and "only" in str(p)
    ]
    assert not list((steps.root / "artifacts" / ".tmp").glob("*"))  # no half-written object


def test_import_failure_traceback_goes_to_the_step_log(steps, state):
    steps.write("broken_module", "import does_not_exist_anywhere\n")
    spec = PipelineSpec("bad", (StepSpec("only", steps.ref("f", "broken_module")),))
    with pytest.raises(StepFailedError) as caught:
        run_pipeline(spec, steps.stack(), state, root=steps.root)
    only = state.steps(caught.value.run_id)[0]
    log = Path(only.log_uri).read_text()
    assert "Traceback" in log and "does_not_exist_anywhere" in log


def test_an_artifact_store_that_is_not_writable_fails_the_step(steps, state):
    (steps.root / "artifacts").write_text("a file where the store folder should be")
    spec = PipelineSpec("bad", (StepSpec("only", steps.ref("source")),))
    with pytest.raises(StepFailedError) as caught:
        run_pipeline(spec, steps.stack(), state, root=steps.root)
    assert "cannot write output 'output' to artifact store 'local'" in caught.value.message
    assert "\n" not in caught.value.message
    assert state.run(caught.value.run_id).status is RunStatus.FAILED


def test_an_undeclared_run_parameter_is_refused_before_any_record(steps, state):
    with pytest.raises(StackctlError, match="pipeline 'bad' has no parameter 'nope'") as caught:
        run_pipeline(
            one_step(steps, "source"), steps.stack(), state, root=steps.root, params={"nope": 1}
        )
    assert "declared parameters: p" in caught.value.hint
    assert state.runs() == []


def test_a_run_parameter_of_the_wrong_type_is_refused_before_any_record(steps, state):
    with pytest.raises(StackctlError, match="parameter 'p' takes an integer"):
        run_pipeline(
            one_step(steps, "source"), steps.stack(), state, root=steps.root, params={"p": "x"}
        )
    assert state.runs() == []


def test_ctrl_c_cancels_the_run_and_propagates(steps, state):
    steps.write("interrupt", "def stop(x: int) -> int:\n    raise KeyboardInterrupt\n")
    spec = PipelineSpec(
        "cancel",
        (
            StepSpec("source", steps.ref("source")),
            StepSpec("stop", steps.ref("stop", "interrupt"), {"x": InputRef("source", "output")}),
            StepSpec("later", steps.ref("after"), {"x": InputRef("stop", "output")}),
        ),
    )
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(spec, steps.stack(), state, root=steps.root)
    [run] = state.runs()
    assert run.status is RunStatus.CANCELLED and run.finished_at
    assert statuses(state, run.id) == {
        "source": RunStatus.COMPLETED,
        "stop": RunStatus.CANCELLED,
        "later": RunStatus.CANCELLED,
    }


def test_a_worker_that_dies_fails_its_step_not_the_process(steps, state):
    steps.write("dies", "import os\n\ndef die() -> int:\n    os._exit(1)\n")
    spec = PipelineSpec(
        "dies",
        (
            StepSpec("die", steps.ref("die", "dies")),
            StepSpec("later", steps.ref("after"), {"x": InputRef("die", "output")}),
        ),
    )
    with pytest.raises(StepFailedError) as caught:
        run_pipeline(spec, steps.stack("local_parallel", max_workers=1), state, root=steps.root)
    assert caught.value.message.startswith(
        "step 'die' failed: the orchestrator lost it: BrokenProcessPool"
    )
    assert statuses(state, caught.value.run_id)["later"] is RunStatus.SKIPPED
