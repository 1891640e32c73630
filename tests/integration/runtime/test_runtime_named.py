"""Named outputs, metadata and outside artifacts through real runs, on every orchestrator."""

from __future__ import annotations

import pytest

from stackctl.errors import StepFailedError
from stackctl.model import (
    ArtifactSelector,
    InputRef,
    MetadataCopy,
    NamedOutput,
    PipelineSpec,
    StepSpec,
)
from stackctl.runtime.run import run_pipeline

STEPS = """
from stackctl import log_metadata
from {package}.calls import called

def load(n: int = 3) -> list:
    called("load")
    log_metadata({{"source": {{"kind": "inline", "n": n}}}})
    return list(range(n))

def total(xs: list) -> int:
    called("total")
    log_metadata({{"accuracy": 0.5 + len(xs) / 100}}, run=True)
    log_metadata({{"checked": True}}, artifact="output")
    return sum(xs)

def bad(xs: list) -> int:
    log_metadata({{"oops": object()}})
    return 0
"""


@pytest.fixture
def steps(project):
    project.write("steps", STEPS.format(package=project.package))
    return project


def chain(steps, n: int = 3) -> PipelineSpec:
    return PipelineSpec(
        "chain",
        (
            StepSpec(
                "load",
                steps.ref("load"),
                params={"n": n},
                named={"output": NamedOutput("nums", ("fresh",))},
            ),
            StepSpec("total", steps.ref("total"), {"xs": InputRef("load", "output")}),
        ),
    )


def consumer(steps, version: str = "latest") -> PipelineSpec:
    return PipelineSpec(
        "consume",
        (
            StepSpec(
                "total",
                steps.ref("total"),
                artifact_inputs={"xs": ArtifactSelector("nums", version)},
            ),
        ),
    )


@pytest.mark.parametrize(
    "orchestrator,config",
    [
        ("local", {}),
        ("local_parallel", {"max_workers": 2}),
        pytest.param("dask", {"n_workers": 1, "processes": True}, id="dask-processes"),
    ],
)
def test_metadata_and_versions_reach_state_from_any_worker(steps, state, orchestrator, config):
    stack = steps.stack(orchestrator, **config)
    run = run_pipeline(chain(steps), stack, state, root=steps.root)
    (version,) = state.artifact_versions_for_run(run.id)
    assert (version.name, version.version, version.tags) == ("nums", 1, ("fresh",))
    logged = {(e.scope, e.step, e.output, e.key): e.value for e in state.metadata(run.id)}
    assert logged[("step", "load", "", "source")] == {"kind": "inline", "n": 3}
    assert logged[("run", "total", "", "accuracy")] == 0.53
    assert logged[("artifact", "total", "output", "checked")] is True
    assert logged[("artifact", "load", "output", "size")] == version.size  # automatic


def test_two_runs_make_versions_1_and_2_and_a_cached_run_keeps_its_metadata(steps, state):
    stack = steps.stack()
    first = run_pipeline(chain(steps), stack, state, root=steps.root)
    steps.reset_calls()
    second = run_pipeline(chain(steps), stack, state, root=steps.root)
    assert steps.calls() == []  # all from the cache
    v1, v2 = state.artifact_versions("nums")
    assert (v1.run_id, v2.run_id) == (first.id, second.id)
    assert v1.digest == v2.digest and v2.producer_run_id == first.id
    assert v2.tags == ("fresh",) and v1.tags == ()  # the tag moved to the newest
    run_keys = {e.key: e.value for e in state.metadata(second.id) if e.scope == "run"}
    assert run_keys == {"accuracy": 0.53}


def test_a_step_takes_a_named_version_from_outside_and_the_cache_sees_which(steps, state):
    stack = steps.stack()
    r1 = run_pipeline(chain(steps, n=3), stack, state, root=steps.root)  # nums:1 = [0, 1, 2]
    r2 = run_pipeline(chain(steps, n=5), stack, state, root=steps.root)  # nums:2 = [0..4]
    steps.reset_calls()
    used_1 = run_pipeline(consumer(steps, "1"), stack, state, root=steps.root)
    used_latest = run_pipeline(consumer(steps), stack, state, root=steps.root)
    # the same function on the same bytes: each is the cache hit of the run that made
    # that version, which only a key holding the exact version's digest can tell apart
    assert steps.calls() == []
    assert state.steps(used_1.id)[0].cached_from == f"{r1.id}/total"
    assert state.steps(used_latest.id)[0].cached_from == f"{r2.id}/total"
    (i1,) = state.step_inputs(used_1.id)
    (i2,) = state.step_inputs(used_latest.id)
    assert (i1.artifact, i1.version, i2.version) == ("nums", 1, 2)  # the run says which
    s1, s2 = state.steps(used_1.id)[0], state.steps(used_latest.id)[0]
    assert s1.cache_parts["input:xs"] == state.artifact_versions("nums")[0].digest
    assert s1.cache_parts["input:xs"] != s2.cache_parts["input:xs"]
    assert [a.digest for a in state.artifacts(used_1.id)] != [
        a.digest for a in state.artifacts(used_latest.id)
    ]


def test_an_unknown_outside_artifact_fails_the_step_with_the_fix(steps, state):
    with pytest.raises(StepFailedError) as caught:
        run_pipeline(consumer(steps), steps.stack(), state, root=steps.root)
    assert "input 'xs' (nums:latest): no artifact is named 'nums'" in caught.value.message


def test_metadata_that_is_not_json_fails_the_step_naming_the_key(steps, state):
    spec = PipelineSpec(
        "bad",
        (
            StepSpec("load", steps.ref("load")),
            StepSpec("bad", steps.ref("bad"), {"xs": InputRef("load", "output")}),
        ),
    )
    with pytest.raises(StepFailedError, match="the value of 'oops' is not JSON"):
        run_pipeline(spec, steps.stack(), state, root=steps.root)


def test_a_cached_run_copies_every_producer_keys_in_the_database_without_reading_them(
    steps, state, monkeypatch
):
    stack = steps.stack()
    first = run_pipeline(chain(steps), stack, state, root=steps.root)
    reads, recorded = [], []
    metadata, record = state.metadata, state.record_metadata
    monkeypatch.setattr(state, "metadata", lambda *a, **k: reads.append(a) or metadata(*a, **k))
    monkeypatch.setattr(
        state, "record_metadata", lambda items: recorded.extend(items) or record(items)
    )
    second = run_pipeline(chain(steps), stack, state, root=steps.root)
    assert reads == []  # no metadata read into Python for the hits
    assert recorded == [
        MetadataCopy(second.id, "load", first.id, "load"),
        MetadataCopy(second.id, "total", first.id, "total"),
    ]

    def keys(run_id: str) -> list[tuple[str, str, str, str, object]]:
        return [(e.scope, e.step, e.output, e.key, e.value) for e in state.metadata(run_id)]

    assert keys(second.id) == keys(first.id)  # the same keys, in the same order


def test_a_hit_on_a_step_of_the_same_run_copies_its_unwritten_keys(steps, state):
    """Two steps with one key: the second is a cache hit of the first, in the same run
    and flush, before the first one's metadata reached state."""
    spec = PipelineSpec(
        "twice",
        (
            StepSpec("a", steps.ref("load"), params={"n": 2}),
            StepSpec("b", steps.ref("load"), params={"n": 2}),
        ),
    )
    run = run_pipeline(spec, steps.stack(), state, root=steps.root)
    by_step = {s.step: s for s in state.steps(run.id)}
    assert by_step["b"].cached_from == f"{run.id}/a"
    logged = {(e.step, e.key): e.value for e in state.metadata(run.id) if e.scope == "step"}
    assert logged[("b", "source")] == logged[("a", "source")] == {"kind": "inline", "n": 2}
