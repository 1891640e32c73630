"""Orchestrator sessions: run fn(task), report results and errors as they finish."""

from __future__ import annotations

import os

import pytest

from stackctl.components.orchestrators.local import LocalOrchestrator
from stackctl.components.orchestrators.local_parallel import LocalParallelOrchestrator


def square(x: int) -> int:
    return x * x


def crash(x: int) -> int:
    raise ValueError(f"bad {x}")


def pid(_: int) -> int:
    return os.getpid()


@pytest.mark.parametrize(
    "orchestrator",
    [LocalOrchestrator("l", {}, None), LocalParallelOrchestrator("p", {"max_workers": 2}, None)],
    ids=["local", "local_parallel"],
)
def test_sessions_return_results_and_errors(orchestrator):
    with orchestrator.session() as session:
        session.submit("a", square, 3)
        session.submit("b", crash, 4)
        finished = {}
        while len(finished) < 2:
            finished.update({f.key: f for f in session.wait()})
    assert finished["a"].result == 9 and finished["a"].error is None
    assert isinstance(finished["b"].error, ValueError)


def test_local_runs_in_process_and_parallel_in_workers():
    with LocalOrchestrator("l", {}, None).session() as session:
        assert session.slots == 1
        session.submit("a", pid, 0)
        assert session.wait()[0].result == os.getpid()
    with LocalParallelOrchestrator("p", {"max_workers": 3}, None).session() as session:
        assert session.slots == 3
        session.submit("a", pid, 0)
        assert session.wait()[0].result != os.getpid()
