"""Where a step ran, and what it asked for: shared by the ray and dask flavors.

A task function's result (``StepResult``) gets a ``ran_on`` mapping — executor, worker
address, pid — that the run loop keeps in the run record (`runs show` prints it).
``resources`` come from the step (``@step(resources=...)``) and are translated here
into what each scheduler understands, refused up front when no worker could ever
place them (both schedulers would otherwise wait forever).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any

from stackctl.errors import StackctlError

#: ``memory`` is declared in MB; ray counts bytes.
_MB = 1024 * 1024


def placed(result: Any, executor: str, address: str) -> Any:
    """``result`` with where it ran, when it is a step result (it has ``ran_on``)."""
    # the innermost placement wins: a step operator's task inside an orchestrator's
    if dataclasses.is_dataclass(result) and getattr(result, "ran_on", None) == {}:
        where = {"executor": executor, "address": address, "pid": os.getpid()}
        return dataclasses.replace(result, ran_on=where)  # type: ignore[type-var]
    return result


def resources_of(task: Any) -> dict[str, float]:
    """The resources the step of ``task`` declares ({} for a task without a step)."""
    step = getattr(task, "step", None)
    return dict(getattr(step, "resources", None) or {})


def ray_options(resources: Mapping[str, float]) -> dict[str, Any]:
    """``.options(...)`` of a ray task: cpu/gpu/memory map to ray's own names, the rest
    are custom resources. A step that declares nothing gets ray's default (1 CPU)."""
    options: dict[str, Any] = {}
    custom = {}
    for name, amount in resources.items():
        if name == "cpu":
            options["num_cpus"] = amount
        elif name == "gpu":
            options["num_gpus"] = amount
        elif name == "memory":
            options["memory"] = int(amount * _MB)
        else:
            custom[name] = amount
    if custom:
        options["resources"] = custom
    return options


def check_ray(step: str, resources: Mapping[str, float], total: Mapping[str, float]) -> None:
    """Refuse a step the ray cluster can never place (``ray.cluster_resources()``)."""
    names = {"cpu": "CPU", "gpu": "GPU", "memory": "memory"}
    for name, amount in resources.items():
        key = names.get(name, name)
        have = float(total.get(key, 0.0)) / (_MB if name == "memory" else 1)
        if amount > have:
            raise StackctlError(
                f"step {step!r} needs {name}={amount:g} but the ray cluster has {have:g} in all",
                hint=f"lower `resources: {{{name}: ...}}`, or start ray with more "
                f"(orchestrator config `num_cpus`, `ray start --resources`)",
            )


def check_dask(step: str, resources: Mapping[str, float], workers: Mapping[str, Any]) -> None:
    """Refuse a step no dask worker declares the resources for (``scheduler_info()``
    workers): dask would keep it waiting forever."""
    if not resources:
        return
    for info in workers.values():
        declared = (info or {}).get("resources") or {}
        if all(float(declared.get(n, 0.0)) >= a for n, a in resources.items()):
            return
    wanted = ", ".join(f"{n}={a:g}" for n, a in resources.items())
    offered = sorted(
        {
            f"{n}={v:g}"
            for info in workers.values()
            for n, v in (info or {}).get("resources", {}).items()
        }
    )
    raise StackctlError(
        f"step {step!r} needs {wanted} but no dask worker declares that "
        f"(workers declare: {', '.join(offered) or 'no resources'})",
        hint=f'start workers with `dask worker --resources "{wanted.replace(", ", ",")}"`, '
        "set `worker_resources` in the config of a LocalCluster, or drop `resources:`",
    )
