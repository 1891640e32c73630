"""A remote dask cluster needs an artifact store its workers can reach."""

from __future__ import annotations

import pytest

from stackctl.engine.checks import check_stacks
from stackctl.errors import PlanError
from stackctl.model import ComponentSpec, ProjectSpec, StackSpec, StateConfig


def project(orchestrator: dict[str, object], store: ComponentSpec) -> ProjectSpec:
    orch = ComponentSpec("orchestrator", "o", "dask", orchestrator)
    stack = StackSpec("s", {"orchestrator": "o", "artifact_store": store.name})
    return ProjectSpec(
        "p", "/tmp", StateConfig(), {}, {orch.address: orch, store.address: store}, {"s": stack}, {}
    )


LOCAL = ComponentSpec("artifact_store", "a", "local", {"path": "x"})
S3 = ComponentSpec("artifact_store", "a", "s3", {"uri": "s3://bucket/p"})


def test_remote_scheduler_with_local_store_is_refused() -> None:
    # never contacted: the check only reads the configuration
    with pytest.raises(PlanError, match="local to this machine") as info:
        check_stacks(project({"address": "tcp://scheduler.invalid:8786"}, LOCAL))
    assert "shared artifact store" in info.value.hint


@pytest.mark.parametrize(
    ("config", "store"),
    [
        ({"address": None}, LOCAL),
        ({"address": "tcp://127.0.0.1:8786"}, LOCAL),
        ({"address": "tcp://scheduler.invalid:8786"}, S3),
    ],
    ids=["local-cluster", "loopback", "remote-with-s3"],
)
def test_reachable_combinations_pass(config: dict[str, object], store: ComponentSpec) -> None:
    check_stacks(project(config, store))


def _with(type_: str, flavor: str, address: str | None, store: ComponentSpec) -> ProjectSpec:
    """A stack on `local` whose ``type_`` component is ``flavor`` at ``address``."""
    orch = ComponentSpec("orchestrator", "o", "local", {})
    other = ComponentSpec(type_, "x", flavor, {"address": address})
    components = {"orchestrator": "o", "artifact_store": store.name}
    if type_ == "orchestrator":
        orch, other = other, orch
        components["orchestrator"] = "x"
    else:
        components[type_] = "x"
    stack = StackSpec("s", components)
    specs = {c.address: c for c in (orch, other, store)}
    return ProjectSpec("p", "/tmp", StateConfig(), {}, specs, {"s": stack}, {})


@pytest.mark.parametrize(
    ("type_", "flavor", "address"),
    [
        ("orchestrator", "ray", "ray://head.invalid:10001"),
        ("orchestrator", "ray", "10.1.2.3:6379"),
        ("step_operator", "ray", "head.invalid:6379"),
        ("step_operator", "dask", "tcp://scheduler.invalid:8786"),
    ],
)
def test_a_remote_ray_cluster_or_step_operator_with_a_local_store_is_refused(
    type_: str, flavor: str, address: str
) -> None:
    with pytest.raises(PlanError, match="local to this machine"):
        check_stacks(_with(type_, flavor, address, LOCAL))
    check_stacks(_with(type_, flavor, address, S3))
    check_stacks(_with(type_, flavor, None, LOCAL))  # a per-run instance / LocalCluster
