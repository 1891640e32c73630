"""Real pipelines (execute_step tasks) on dask: same artifacts as local, on any store."""

from __future__ import annotations

import pytest

from stackctl.components.artifact_stores.fsspec_store import S3Provisioner
from stackctl.errors import StepFailedError
from stackctl.model import InputRef, PipelineSpec, RunStatus, StepSpec
from stackctl.runtime.run import run_pipeline
from stackctl.runtime.steplog import read_log
from stackctl.state.memory import MemoryStateStore

THREADS = {"n_workers": 2, "processes": False}
PROCESSES = {"n_workers": 2, "processes": True}


def fan(steps) -> PipelineSpec:
    ref = steps.ref
    return PipelineSpec(
        "fan",
        (
            StepSpec("numbers", ref("numbers"), params={"n": 1000}),
            StepSpec("square", ref("square"), {"a": InputRef("numbers", "output")}),
            StepSpec("total", ref("total"), {"a": InputRef("numbers", "output")}),
            StepSpec(
                "describe",
                ref("describe"),
                {
                    "a": InputRef("numbers", "output"),
                    "b": InputRef("square", "output"),
                    "t": InputRef("total", "output"),
                },
            ),
        ),
    )


def run(steps, stack, spec=None):
    state = MemoryStateStore()
    result = run_pipeline(spec or fan(steps), stack, state, root=steps.root, cache=False)
    assert result.status is RunStatus.COMPLETED
    return state, result, {(a.step, a.name): a.digest for a in state.artifacts(result.id)}


def test_dask_threads_give_the_same_digests_as_local(steps):
    _, _, local = run(steps, steps.stack("local", {}, "local", {"path": "a-local"}))
    state, result, dask = run(steps, steps.stack("dask", THREADS, "local", {"path": "a-dask"}))
    assert dask == local and len(local) == 4
    # the step's print went to its own log, not to the terminal
    describe = next(s for s in state.steps(result.id) if s.step == "describe")
    store = steps.stack("local", {}, "local", {"path": "a-dask"}).artifact_store
    assert "describing" in read_log(store, describe.log_uri).decode()
    assert result.stack_snapshot["components"]["orchestrator"]["flavor"] == "dask"


def test_dask_worker_processes_write_to_s3(steps, s3_config):
    S3Provisioner().create(s3_config, steps.root)
    _, _, local = run(steps, steps.stack("local", {}, "local", {"path": "a-local"}))
    _, _, dask = run(steps, steps.stack("dask", PROCESSES, "s3", s3_config))
    assert dask == local


def test_a_failing_step_on_dask_skips_its_dependents(steps):
    (steps.root / steps.name / "steps.py").write_text(
        (steps.root / steps.name / "steps.py").read_text()
        + "\ndef square_fails(a):\n    raise RuntimeError('no squares today')\n"
    )
    spec = fan(steps)
    broken = PipelineSpec(
        spec.name,
        tuple(
            StepSpec(s.name, steps.ref("square_fails"), s.inputs, retries=1)
            if s.name == "square"
            else s
            for s in spec.steps
        ),
    )
    state = MemoryStateStore()
    stack = steps.stack("dask", THREADS, "local", {"path": "a"})
    with pytest.raises(StepFailedError, match="no squares today"):
        run_pipeline(broken, stack, state, root=steps.root, cache=False)
    run_id = state.runs()[0].id
    status = {s.step: (s.status, s.attempts) for s in state.steps(run_id)}
    assert status["square"] == (RunStatus.FAILED, 2)
    assert status["describe"][0] is RunStatus.SKIPPED
    assert status["total"][0] is RunStatus.COMPLETED


def test_the_mlflow_run_of_a_step_is_linked_from_the_run_record(steps, monkeypatch):
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    spec = fan(steps)
    spec = PipelineSpec(
        "tracked-fan",
        (
            *spec.steps,
            StepSpec("tracked", steps.ref("tracked"), {"t": InputRef("total", "output")}),
        ),
    )
    stack = steps.stack("dask", PROCESSES, "local", {"path": "a"}, tracker={})
    state, result, _ = run(steps, stack, spec)
    linked = state.run(result.id).extra["experiment_tracker"]
    assert linked["name"] == "mlflow" and list(linked["runs"]) == ["tracked"]
    assert result.extra["experiment_tracker"] == linked
    mlflow_run = stack.experiment_tracker.client.get_run(linked["runs"]["tracked"])
    assert mlflow_run.info.run_name == f"{result.id}/tracked"
    assert mlflow_run.data.metrics == {"total": float(sum(range(1000)))}
    assert (steps.root / ".stackctl" / "mlruns").is_dir()
