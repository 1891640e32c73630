"""An SDK pipeline with several named outputs runs on local_parallel."""

from __future__ import annotations

from stackctl.model import RunStatus
from stackctl.runtime.client import load_artifact
from stackctl.runtime.run import run_pipeline

PIPELINE = """
from typing import Annotated, NamedTuple
from stackctl.runtime.sdk import pipeline, step


class Halves(NamedTuple):
    head: list
    tail: list


@step
def numbers(n: int) -> list:
    return list(range(n))


@step
def halve(xs: list) -> Halves:
    return Halves(xs[: len(xs) // 2], xs[len(xs) // 2 :])


@step(outputs=["low", "high"])
def bounds(xs: list) -> tuple:
    return min(xs), max(xs)


@step
def report(head: list, low: int, high: int) -> Annotated[str, "summary"]:
    return f"{len(head)} in head, range {low}..{high}"


@pipeline
def numbers_pipeline(n: int = 10) -> None:
    head, tail = halve(numbers(n))
    low, high = bounds(tail)
    report(head, low=low, high=high)
"""


def test_sdk_pipeline_runs_and_stores_each_named_output(project, state):
    project.write("flow", PIPELINE)
    module = project.load("flow")
    spec = module.numbers_pipeline.spec
    stack = project.stack("local_parallel", max_workers=2)
    run = run_pipeline(spec, stack, state, root=project.root, params={"n": 6})
    assert run.status is RunStatus.COMPLETED
    names = sorted((a.step, a.name) for a in state.artifacts(run.id))
    assert names == [
        ("bounds", "high"),
        ("bounds", "low"),
        ("halve", "head"),
        ("halve", "tail"),
        ("numbers", "output"),
        ("report", "summary"),
    ]
    summary = load_artifact(state, stack.artifact_store, run.id, "report", "summary")
    assert summary == "3 in head, range 3..5"
