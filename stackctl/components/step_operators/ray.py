"""The ``ray`` step operator: one step as a Ray task with the resources it declares.

Inside a run on the ray orchestrator the run's connection is used (ray allows one per
process); otherwise ``address`` connects to a cluster, or ``address: null`` starts a
local instance for the step (seconds: a cluster is the better choice).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.orchestrators import ray as ray_flavor
from stackctl.components.orchestrators import ray_cluster
from stackctl.components.orchestrators.placement import check_ray, ray_options, resources_of
from stackctl.errors import StackctlError


class RayStepOperator:
    """``address`` of a cluster, or a local instance of ``num_cpus`` CPUs per step."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.config = dict(config)

    def run(self, fn: Callable[[Any], Any], task: Any) -> Any:
        step = getattr(getattr(task, "step", None), "name", "step")
        resources = resources_of(task)
        with ray_cluster.connected(self.config, StackctlError) as ray:
            check_ray(step, resources, ray.cluster_resources())
            box = ray_cluster.new_box(ray)
            remote = ray.remote(ray_cluster.run_task)
            options = {"max_retries": 0, "name": step, **ray_options(resources)}
            ref = remote.options(**options).remote(fn, task, box)
            try:
                ray_cluster.wait_one(ray, [ref], box)
            except BaseException:
                ray_cluster.cancel(ray, [ref])
                raise
            return ray.get(ref)

    @staticmethod
    def requires_shared_store(config: Mapping[str, Any]) -> bool:
        return ray_flavor.requires_shared_store(config)


if TYPE_CHECKING:
    from stackctl.components.step_operators.base import StepOperator

    _operator: type[StepOperator] = RayStepOperator
