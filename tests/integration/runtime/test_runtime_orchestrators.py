"""local vs local_parallel: same artifacts, and independent steps really run concurrently."""

from __future__ import annotations

import pytest

from stackctl.model import InputRef, PipelineSpec, RunStatus, StepSpec
from stackctl.runtime.run import run_pipeline
from stackctl.state.memory import MemoryStateStore

STEPS = """
import time
from pathlib import Path
import numpy as np
from {package}.calls import called

FLAGS = Path(__file__).parent.parent

def numbers(n: int) -> np.ndarray:
    called("numbers")
    return np.arange(n, dtype="float64")

def square(a: np.ndarray) -> np.ndarray:
    return a**2

def describe(a: np.ndarray, b: np.ndarray) -> dict:
    return {{"a": float(a.sum()), "b": float(b.sum())}}

def raw(a: np.ndarray) -> bytes:
    return a.tobytes()

def meet(me: str, other: str) -> str:
    # a barrier: finishes only if the other step runs at the same time
    (FLAGS / me).touch()
    deadline = time.monotonic() + 20
    while not (FLAGS / other).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{{other}} never started")
        time.sleep(0.01)
    return me
"""


@pytest.fixture
def steps(project):
    project.write("steps", STEPS.format(package=project.package))
    return project


def fan(steps) -> PipelineSpec:
    ref = steps.ref
    return PipelineSpec(
        "fan",
        (
            StepSpec("numbers", ref("numbers"), params={"n": 1000}),
            StepSpec("square", ref("square"), {"a": InputRef("numbers", "output")}),
            StepSpec("raw", ref("raw"), {"a": InputRef("numbers", "output")}),
            StepSpec(
                "describe",
                ref("describe"),
                {"a": InputRef("numbers", "output"), "b": InputRef("square", "output")},
            ),
        ),
    )


def test_local_and_local_parallel_give_identical_artifact_digests(steps):
    digests = {}
    for orchestrator in ("local", "local_parallel"):
        state = MemoryStateStore()
        stack = steps.stack(orchestrator, store=f"store-{orchestrator}", max_workers=2)
        run = run_pipeline(fan(steps), stack, state, root=steps.root)
        assert run.status is RunStatus.COMPLETED
        digests[orchestrator] = {(a.step, a.name): a.digest for a in state.artifacts(run.id)}
    assert digests["local"] == digests["local_parallel"]
    assert len(digests["local"]) == 4


def test_local_parallel_runs_independent_steps_concurrently(steps, state):
    spec = PipelineSpec(
        "barrier",
        (
            StepSpec("left", steps.ref("meet"), params={"me": "left", "other": "right"}),
            StepSpec("right", steps.ref("meet"), params={"me": "right", "other": "left"}),
        ),
    )
    run = run_pipeline(spec, steps.stack("local_parallel", max_workers=2), state, root=steps.root)
    assert {s.step: s.status for s in state.steps(run.id)} == {
        "left": RunStatus.COMPLETED,
        "right": RunStatus.COMPLETED,
    }


def test_a_run_served_from_the_cache_starts_no_worker_process(steps, monkeypatch):
    """local_parallel's pool starts at the first step that really runs: a fully cached
    re-run forks nothing (the step modules are imported in the run's own process,
    which hashes their code for the cache keys)."""
    from stackctl.components.orchestrators.local_parallel import PoolSession

    started: list[int] = []
    start = PoolSession._start

    def counting(self: PoolSession):  # type: ignore[no-untyped-def]
        started.append(1)
        return start(self)

    monkeypatch.setattr(PoolSession, "_start", counting)
    state = MemoryStateStore()
    stack = steps.stack("local_parallel", max_workers=2)
    first = run_pipeline(fan(steps), stack, state, root=steps.root)
    assert first.status is RunStatus.COMPLETED and started == [1]
    again = run_pipeline(fan(steps), stack, state, root=steps.root)
    assert again.status is RunStatus.COMPLETED
    assert {s.status for s in state.steps(again.id)} == {RunStatus.CACHED}
    assert started == [1]  # no pool for the second run
