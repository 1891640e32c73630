"""The run loop end to end: artifacts in the store, caching, retries, failures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from stackctl.errors import StepFailedError
from stackctl.model import InputRef, PipelineSpec, RunStatus, StepRun, StepSpec
from stackctl.runtime.cache import explain_cache
from stackctl.runtime.client import load_artifact
from stackctl.runtime.run import run_pipeline

STEPS = """
import numpy as np
from stackctl.runtime.context import get_step_context
from {package}.calls import called
from {package} import helpers

def load() -> list:
    called("load")
    print("loading", 4, "numbers")
    return [1, 2, 3, 4]

def double(xs: list) -> np.ndarray:
    called("double")
    return helpers.scale(np.array(xs), 2)

def total(values: np.ndarray, offset: int = 0) -> dict:
    called("total")
    return {{"total": int(values.sum()) + offset, "input_type": type(values).__name__}}

def where() -> dict:
    called("where")
    ctx = get_step_context()
    return {{"run": ctx.run_id, "step": ctx.step, "stack": ctx.stack}}
"""

HELPERS = """
def scale(values, factor):
    return values * factor
"""


def chain(project) -> PipelineSpec:
    return PipelineSpec(
        "chain",
        (
            StepSpec("load", project.ref("load")),
            StepSpec("double", project.ref("double"), {"xs": InputRef("load", "output")}),
            StepSpec(
                "total",
                project.ref("total"),
                {"values": InputRef("double", "output")},
                {"offset": "${params.offset}"},
            ),
        ),
        params={"offset": 0},
    )


@pytest.fixture
def steps(project):
    project.write("helpers", HELPERS)
    project.write("steps", STEPS.format(package=project.package))
    return project


def statuses(state, run_id: str) -> dict[str, RunStatus]:
    return {s.step: s.status for s in state.steps(run_id)}


def test_outputs_are_in_the_store_and_inputs_come_from_it(steps, state):
    stack = steps.stack()
    run = run_pipeline(chain(steps), stack, state, root=steps.root, params={"offset": 5})
    assert run.status is RunStatus.COMPLETED
    records = {a.step: a for a in state.artifacts(run.id)}
    for record in records.values():
        data = Path(record.uri).read_bytes()
        assert Path(record.uri).is_relative_to(steps.root / "artifacts")
        assert hashlib.sha256(data).hexdigest() == record.digest == Path(record.uri).parent.name
        assert len(data) == record.size
    assert records["double"].materializer == "numpy"
    result = load_artifact(state, stack.artifact_store, run.id, "total")
    # the input arrived memory-mapped from the .npy file, not as the object `double` returned
    assert result == {"total": 25, "input_type": "memmap"}
    log = Path(state.steps(run.id)[0].log_uri).read_text()
    assert f"run {run.id} stack local step load" in log and "loading 4 numbers" in log


def test_a_step_cannot_see_a_value_that_is_missing_from_the_store(steps, state):
    def delete_load_output(step_run: StepRun) -> None:
        # events come before the (batched) records reach state: delete what the store
        # holds by now, which is the output of `load` only
        if step_run.step == "load" and step_run.status is RunStatus.COMPLETED:
            published = [p for p in (steps.root / "artifacts").rglob("*") if p.is_file()]
            assert published
            for path in published:
                if ".tmp" not in path.parts:
                    path.unlink()

    with pytest.raises(StepFailedError) as caught:
        run_pipeline(
            chain(steps), steps.stack(), state, root=steps.root, on_event=delete_load_output
        )
    assert caught.value.step == "double"
    assert "cannot load input 'xs' (load.output)" in caught.value.message
    assert steps.calls() == ["load"]


def test_unchanged_rerun_is_served_from_the_cache(steps, state):
    stack = steps.stack()
    first = run_pipeline(chain(steps), stack, state, root=steps.root)
    steps.reset_calls()
    second = run_pipeline(chain(steps), stack, state, root=steps.root)
    assert steps.calls() == []  # no step function ran
    assert set(statuses(state, second.id).values()) == {RunStatus.CACHED}
    cached = {s.step: s for s in state.steps(second.id)}
    assert cached["total"].cached_from == f"{first.id}/total"
    assert [a.digest for a in state.artifacts(second.id)] == [
        a.digest for a in state.artifacts(first.id)
    ]
    assert all(a.producer_run_id == first.id for a in state.artifacts(second.id))


def test_a_hit_on_another_step_records_the_outputs_under_its_own_name(steps, state):
    # `twice` has the same function and input as `double`, so its key is double's: a
    # hit within the run, then (next run) a hit on the previous run's `twice`
    spec = chain(steps)
    twice = StepSpec("twice", steps.ref("double"), {"xs": InputRef("load", "output")})
    spec = PipelineSpec(spec.name, (*spec.steps, twice), params=spec.params)
    stack = steps.stack()
    first = run_pipeline(spec, stack, state, root=steps.root)
    second = run_pipeline(spec, stack, state, root=steps.root)
    for run in (first, second):
        recorded = {(a.step, a.name): a for a in state.artifacts(run.id)}
        assert {("double", "output"), ("twice", "output")} <= set(recorded)
        assert recorded["twice", "output"].digest == recorded["double", "output"].digest
        assert load_artifact(state, stack.artifact_store, run.id, "twice").tolist() == [2, 4, 6, 8]
    assert {s.step: s.cached_from for s in state.steps(first.id)}["twice"] == f"{first.id}/double"


@pytest.mark.parametrize("damage", ["edited", "truncated"])
def test_a_damaged_cached_output_is_a_cache_miss(steps, state, damage):
    stack = steps.stack()
    first = run_pipeline(chain(steps), stack, state, root=steps.root)
    [record] = [a for a in state.artifacts(first.id) if a.step == "total"]
    path = Path(record.uri)
    data = path.read_bytes()
    # same size, other bytes (only the digest tells) / shorter (the size tells)
    path.write_bytes(bytes([data[0] ^ 0xFF]) + data[1:] if damage == "edited" else data[:-1])
    steps.reset_calls()
    second = run_pipeline(chain(steps), stack, state, root=steps.root)
    assert steps.calls() == ["total"]
    assert statuses(state, second.id)["total"] is RunStatus.COMPLETED


def test_no_cache_and_changed_params_run_again(steps, state):
    stack = steps.stack()
    run_pipeline(chain(steps), stack, state, root=steps.root)
    steps.reset_calls()
    run_pipeline(chain(steps), stack, state, root=steps.root, cache=False)
    assert steps.calls() == ["load", "double", "total"]
    steps.reset_calls()
    run = run_pipeline(chain(steps), stack, state, root=steps.root, params={"offset": 1})
    assert steps.calls() == ["total"]
    assert explain_cache(state, run.id, "total").changed == ("params",)


def test_editing_a_step_reruns_it_and_its_dependents_only(steps, state):
    stack = steps.stack()
    run_pipeline(chain(steps), stack, state, root=steps.root)
    steps.write("steps", STEPS.format(package=steps.package).replace("xs), 2)", "xs), 3)"))
    steps.reset_calls()
    run = run_pipeline(chain(steps), stack, state, root=steps.root)
    assert steps.calls() == ["double", "total"]
    assert statuses(state, run.id)["load"] is RunStatus.CACHED
    explained = explain_cache(state, run.id, "double")
    assert explained.changed == ("source",)
    assert explain_cache(state, run.id, "total").changed == ("input:values",)


def test_editing_a_project_helper_invalidates_the_steps_that_use_it(steps, state):
    stack = steps.stack()
    run_pipeline(chain(steps), stack, state, root=steps.root)
    steps.write("helpers", HELPERS + "\n# tuned\n")
    steps.reset_calls()
    run = run_pipeline(chain(steps), stack, state, root=steps.root)
    # the output of `double` is the same bytes, so `total` is a cache hit again
    assert steps.calls() == ["double"]
    assert explain_cache(state, run.id, "double").changed == (f"module:{steps.package}.helpers",)


def test_step_context_names_the_run_step_and_stack(steps, state):
    spec = PipelineSpec("ctx", (StepSpec("where", steps.ref("where")),))
    stack = steps.stack()
    run = run_pipeline(spec, stack, state, root=steps.root)
    assert load_artifact(state, stack.artifact_store, run.id, "where") == {
        "run": run.id,
        "step": "where",
        "stack": "local",
    }
