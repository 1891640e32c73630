"""The ``ray`` orchestrator: each step is one Ray task with the resources it declares.

``address: null`` starts a local Ray instance per run (``num_cpus``); ``auto``,
``HOST:PORT`` or ``ray://...`` connect to a running cluster (ray_cluster.py). As with
dask, workers share nothing but the artifact store, so a remote cluster needs a
shared store (``requires_shared_store``, checked before planning).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.orchestrators import ray_cluster
from stackctl.components.orchestrators.base import Finished, Orchestrator, Session
from stackctl.components.orchestrators.cluster_provisioner import AddressProvisioner
from stackctl.components.orchestrators.dask import requires_shared_store as _dask_remote
from stackctl.components.orchestrators.placement import check_ray, ray_options, resources_of
from stackctl.errors import ProvisionError, StackctlError


class RaySession:
    """Submits ray tasks and reports them as they complete."""

    def __init__(self, ray: Any) -> None:
        self._ray = ray
        self._remote = ray.remote(ray_cluster.run_task)
        self._box = ray_cluster.new_box(ray)
        self._total: Mapping[str, float] = ray.cluster_resources()
        self.slots = max(1, int(self._total.get("CPU", 1)))
        self._refs: dict[Any, str] = {}

    def submit(self, key: str, fn: Callable[[Any], Any], task: Any) -> None:
        resources = resources_of(task)
        check_ray(key, resources, self._total)
        options = {"max_retries": 0, "name": key, **ray_options(resources)}
        ref = self._remote.options(**options).remote(fn, task, self._box)
        self._refs[ref] = key

    def wait(self) -> list[Finished]:
        finished = []
        for ref in ray_cluster.wait_one(self._ray, list(self._refs), self._box):
            key = self._refs.pop(ref)
            try:
                finished.append(Finished(key, result=self._ray.get(ref)))
            except Exception as exc:  # the task function raised, or its worker died
                finished.append(Finished(key, error=exc))
        return finished

    def cancel(self) -> None:
        refs, self._refs = list(self._refs), {}
        ray_cluster.cancel(self._ray, refs)


class RayOrchestrator:
    """``address`` of a cluster, or a per-run local instance of ``num_cpus`` CPUs."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.config = dict(config)

    @staticmethod
    def requires_shared_store(config: Mapping[str, Any]) -> bool:
        return requires_shared_store(config)

    @contextmanager
    def session(self) -> Iterator[RaySession]:
        with ray_cluster.connected(self.config, StackctlError) as ray:
            session = RaySession(ray)
            try:
                yield session
            except BaseException:
                session.cancel()  # Ctrl-C or a run loop error: stop the cluster's work
                raise
            ray_cluster.drain(session._box)  # the last lines of the last step


def requires_shared_store(config: Mapping[str, Any]) -> bool:
    """A local instance, ``auto`` (a cluster on this machine) and a loopback address
    run next to the caller; anything else may place tasks on other machines."""
    address = str(config.get("address") or "")
    if not address or address == "auto":
        return False
    return _dask_remote({"address": address.replace("ray://", "tcp://", 1)})


class RayProvisioner(AddressProvisioner):
    """Nothing to create: checks that a configured cluster answers."""

    what = "ray cluster"
    local = "a local instance"

    def probe(self, config: Mapping[str, Any]) -> None:
        _probe(config, ProvisionError)


def _probe(config: Mapping[str, Any], error: type[StackctlError]) -> None:
    """Connect in a child process: ray allows one connection per process, and apply
    must not keep one (nor pay for importing ray in the CLI)."""
    from stackctl.components.orchestrators.ray_probe import probe

    probe(str(config["address"]), error)


if TYPE_CHECKING:  # static proof that the classes satisfy the contract
    from stackctl.components.provisioner import Adopter, Provisioner

    _session: type[Session] = RaySession
    _orchestrator: type[Orchestrator] = RayOrchestrator
    _provisioner: type[Provisioner] = RayProvisioner
    _adopter: type[Adopter] = RayProvisioner
