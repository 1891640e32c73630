"""execute_step on its own: the pure task function the orchestrators run."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import pytest

from stackctl.components.artifact_stores.memory import MemoryArtifactStore
from stackctl.components.experiment_trackers.base import TrackedRun
from stackctl.model import StepSpec
from stackctl.runtime.context import get_step_context
from stackctl.runtime.execute import StepTask, execute_step
from stackctl.runtime.steplog import read_log

attempts: list[int] = []


def flaky() -> int:
    attempts.append(1)
    if len(attempts) < 3:
        raise ConnectionError("try again")
    return len(attempts)


def pair() -> tuple:
    return 1, 2


def leaky() -> int:
    print("to stdout")
    import sys

    print("to stderr", file=sys.stderr)
    return 0


def exits() -> int:
    raise SystemExit(3)


def task(function: str, **step) -> StepTask:
    return StepTask(
        run_id="r1",
        pipeline="p",
        stack="dev",
        step=StepSpec("s", f"{__name__}:{function}", **step),
        params={},
        inputs={},
        artifact_store=MemoryArtifactStore("mem", {}, None),
        experiment_tracker=None,
        components={},
        root=".",
        backoff_s=0.0,
    )


def log_of(t: StepTask, uri: str) -> str:
    return read_log(t.artifact_store, uri).decode()


def test_retries_until_success():
    attempts.clear()
    t = task("flaky", retries=2)
    result = execute_step(t)
    assert result.ok and result.attempts == 3
    assert log_of(t, result.log_uri).count("ConnectionError: try again") == 2


def test_out_of_retries_is_a_one_line_error():
    attempts.clear()
    result = execute_step(task("flaky", retries=1))
    assert not result.ok and result.attempts == 2
    assert result.error == "step 's' failed: ConnectionError: try again (after 2 attempts)"


def test_several_outputs_are_split_by_name():
    result = execute_step(task("pair", outputs=("a", "b")))
    assert [(a.name, a.materializer) for a in result.artifacts] == [("a", "json"), ("b", "json")]
    wrong = execute_step(task("pair", outputs=("a", "b", "c")))
    assert "expected a tuple of 3 outputs (a, b, c)" in wrong.error


def test_stdout_and_stderr_go_to_the_log(capsys):
    t = task("leaky")
    result = execute_step(t)
    log = log_of(t, result.log_uri)
    assert "to stdout" in log and "to stderr" in log
    assert capsys.readouterr() == ("", "")  # runtime code never prints


def test_sys_exit_in_a_step_is_a_failure_not_an_exit():
    result = execute_step(task("exits"))
    assert result.error == "step 's' failed: SystemExit: 3"


@pytest.mark.parametrize("ref", ["no_colon", ":x", "m:"])
def test_malformed_function_reference(ref):
    t = task("pair")
    t = StepTask(**{**t.__dict__, "step": StepSpec("s", ref)})
    assert "is not of the form 'package.module:function'" in execute_step(t).error


class RecordingTracker:
    """A fake experiment tracker: the step reaches it through its context."""

    name = "fake"

    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    @contextlib.contextmanager
    def step_run(self, run_id: str, pipeline: str, step: str):
        self.events.append(("start", run_id, pipeline, step))
        try:
            yield TrackedRun("t1")
        except BaseException:
            self.events.append(("failed",))
            raise
        self.events.append(("finished",))

    def run_id(self) -> str | None:
        return "t1"

    def log_params(self, params) -> None:
        self.events.append(("params", *params))

    def log_metrics(self, metrics, step=None) -> None:
        self.events.append(("metrics", *metrics))


def tracked() -> int:
    get_step_context().experiment_tracker.log_metrics({"accuracy": 1.0})
    return 1


def test_the_experiment_tracker_spans_the_step_and_is_in_its_context():
    tracker = RecordingTracker()
    result = execute_step(replace(task("tracked"), experiment_tracker=tracker))
    assert result.ok
    assert tracker.events == [("start", "r1", "p", "s"), ("metrics", "accuracy"), ("finished",)]
    attempts.clear()
    execute_step(replace(task("flaky"), experiment_tracker=tracker))
    assert tracker.events[-1] == ("failed",)
