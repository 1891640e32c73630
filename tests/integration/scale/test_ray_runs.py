"""Real pipelines on ray (the session's cluster) and on step operators (ray, dask):
the same artifacts as local, where each step ran recorded, resources honoured or
refused in one line."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from support.services import free_port

from stackctl import lines
from stackctl.components.orchestrators.ray import RayProvisioner, requires_shared_store
from stackctl.errors import ProvisionError, StackctlError, StepFailedError
from stackctl.model import ComponentSpec, InputRef, PipelineSpec, RunStatus, StackSpec, StepSpec
from stackctl.runtime.run import run_pipeline
from stackctl.runtime.stack import ActiveStack, build_stack
from stackctl.state.memory import MemoryStateStore


def fan(steps: Any) -> PipelineSpec:
    """numbers -> square, total -> describe (describe prints a line)."""
    ref = steps.ref
    numbers = InputRef("numbers", "output")
    return PipelineSpec(
        "fan",
        (
            StepSpec("numbers", ref("numbers"), params={"n": 1000}),
            StepSpec("square", ref("square"), {"a": numbers}),
            StepSpec("total", ref("total"), {"a": numbers}),
            StepSpec(
                "describe",
                ref("describe"),
                {"a": numbers, "b": InputRef("square", "output"), "t": InputRef("total", "output")},
            ),
        ),
    )


THREADS = {"n_workers": 1, "threads_per_worker": 2, "processes": False}


def stack(
    root: Path,
    orchestrator: tuple[str, dict[str, Any]],
    operator: tuple[str, dict[str, Any]] | None = None,
    path: str = "a",
) -> ActiveStack:
    components = {
        "orchestrator": ComponentSpec("orchestrator", "orch", orchestrator[0], orchestrator[1]),
        "artifact_store": ComponentSpec("artifact_store", "store", "local", {"path": path}),
    }
    if operator is not None:
        components["step_operator"] = ComponentSpec("step_operator", "op", *operator)
    spec = StackSpec("s", {t: c.name for t, c in components.items()})
    return build_stack(spec, components, root)


def run(root: Path, on: ActiveStack, spec: PipelineSpec) -> tuple[Any, Any, dict[Any, str]]:
    state = MemoryStateStore()
    result = run_pipeline(spec, on, state, root=root, cache=False)
    assert result.status is RunStatus.COMPLETED
    return state, result, {(a.step, a.name): a.digest for a in state.artifacts(result.id)}


def operated(spec: PipelineSpec, step: str, **resources: float) -> PipelineSpec:
    """``spec`` with ``step`` on the stack's step operator `op`."""
    return replace(
        spec,
        steps=tuple(
            replace(s, step_operator="op", resources=resources) if s.name == step else s
            for s in spec.steps
        ),
    )


def test_ray_gives_local_digests_records_where_and_ships_lines(steps, ray_address):
    _, _, local = run(steps.root, stack(steps.root, ("local", {}), path="l"), fan(steps))
    shipped: list[tuple[str, str]] = []
    with lines.streaming(lambda step, line: shipped.append((step, line))):
        state, result, on_ray = run(
            steps.root, stack(steps.root, ("ray", {"address": ray_address})), fan(steps)
        )
    assert on_ray == local and len(local) == 4
    assert ("describe", "describing") in shipped  # a worker's print, live on the CLI
    where = state.run(result.id).extra["ran_on"]
    assert set(where) == {"numbers", "square", "total", "describe"}
    assert {w["executor"] for w in where.values()} == {"ray"}
    assert all(w["pid"] != os.getpid() for w in where.values())


def test_ray_runs_a_step_with_the_resources_it_declares(steps, ray_address):
    spec = fan(steps)
    spec = replace(spec, steps=(replace(spec.steps[0], resources={"cpu": 2}), *spec.steps[1:]))
    _, _, digests = run(steps.root, stack(steps.root, ("ray", {"address": ray_address})), spec)
    assert len(digests) == 4


def test_ray_refuses_a_step_the_cluster_can_never_place(steps, ray_address):
    spec = fan(steps)
    spec = replace(spec, steps=(replace(spec.steps[0], resources={"cpu": 64}), *spec.steps[1:]))
    state = MemoryStateStore()
    with pytest.raises(StepFailedError, match="needs cpu=64 but the ray cluster has 2 in all"):
        run_pipeline(
            spec, stack(steps.root, ("ray", {"address": ray_address})), state, root=steps.root
        )
    statuses = {s.step: s.status for s in state.steps(state.runs()[0].id)}
    assert statuses["numbers"] is RunStatus.FAILED and statuses["describe"] is RunStatus.SKIPPED


def test_a_ray_step_operator_runs_one_step_elsewhere(steps, ray_address):
    _, _, local = run(steps.root, stack(steps.root, ("local", {}), path="l"), fan(steps))
    on = stack(steps.root, ("local", {}), ("ray", {"address": ray_address}))
    state, result, digests = run(steps.root, on, operated(fan(steps), "square", cpu=1))
    assert digests == local
    where = state.run(result.id).extra["ran_on"]
    assert list(where) == ["square"]  # the rest stayed on the local orchestrator
    assert where["square"]["executor"] == "ray" and where["square"]["pid"] != os.getpid()


def test_a_dask_step_operator_runs_one_step_on_a_local_cluster(steps):
    _, _, local = run(steps.root, stack(steps.root, ("local", {}), path="l"), fan(steps))
    on = stack(steps.root, ("local", {}), ("dask", {"address": None, "n_workers": 1}))
    shipped: list[tuple[str, str]] = []
    with lines.streaming(lambda step, line: shipped.append((step, line))):
        state, result, digests = run(steps.root, on, operated(fan(steps), "describe"))
    assert digests == local
    assert ("describe", "describing") in shipped
    where = state.run(result.id).extra["ran_on"]["describe"]
    assert where["executor"] == "dask" and where["address"].startswith("tcp://127.0.0.1:")
    assert where["pid"] != os.getpid()


def test_a_step_needs_the_step_operator_it_names_before_anything_is_recorded(steps):
    state = MemoryStateStore()
    with pytest.raises(StackctlError, match="wants step operator 'op', but stack 's' has no"):
        run_pipeline(
            operated(fan(steps), "square"), stack(steps.root, ("local", {})), state, root=steps.root
        )
    assert state.runs() == []


def test_dask_refuses_resources_no_worker_declares(steps):
    spec = fan(steps)
    spec = replace(spec, steps=(replace(spec.steps[0], resources={"gpu": 1}), *spec.steps[1:]))
    state = MemoryStateStore()
    with pytest.raises(
        StepFailedError,
        match=r"needs gpu=1 but no dask worker declares that "
        r"\(workers declare: cpu=2\)",
    ):
        run_pipeline(spec, stack(steps.root, ("dask", THREADS)), state, root=steps.root)


def test_dask_honours_resources_its_workers_declare(steps):
    spec = fan(steps)
    spec = replace(spec, steps=(replace(spec.steps[0], resources={"cpu": 2}), *spec.steps[1:]))
    _, _, digests = run(steps.root, stack(steps.root, ("dask", THREADS)), spec)
    assert len(digests) == 4


def test_the_ray_provisioner_sees_a_cluster_answer_or_vanish(tmp_path, ray_address):
    provisioner = RayProvisioner()
    assert provisioner.create({"address": ray_address}, tmp_path) == {"address": ray_address}
    assert provisioner.observe({"address": ray_address}, tmp_path).exists
    dead = f"127.0.0.1:{free_port()}"
    seen = provisioner.observe({"address": dead}, tmp_path)
    assert not seen.exists and f"the ray cluster at {dead} did not answer" in seen.detail
    with pytest.raises(ProvisionError, match="ray start --head"):
        provisioner.create({"address": dead}, tmp_path)
    assert provisioner.create({"address": None}, tmp_path) == {"address": None}


@pytest.mark.parametrize(
    ("address", "remote"),
    [
        (None, False),
        ("auto", False),
        ("127.0.0.1:6379", False),
        ("ray://localhost:10001", False),
        ("ray://10.1.2.3:10001", True),
        ("head.example:6379", True),
    ],
)
def test_which_ray_addresses_need_a_shared_store(address, remote):
    assert requires_shared_store({"address": address}) is remote
