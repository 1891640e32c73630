"""The ``dask`` step operator: one step as a task on a dask scheduler or a LocalCluster.

``address`` connects to a scheduler (the step's ``resources`` must be declared by one
of its workers); ``address: null`` starts a LocalCluster for the step and closes it
after, Ctrl-C included. The orchestrator flavor's pieces do the work (submit with
resources, lines shipped as scheduler events, the fast close).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.orchestrators import dask as dask_flavor
from stackctl.errors import StackctlError


class DaskStepOperator:
    """``address`` of a scheduler, or a LocalCluster per step (``n_workers``, default 1)."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.config = dict(config)

    def run(self, fn: Callable[[Any], Any], task: Any) -> Any:
        step = getattr(getattr(task, "step", None), "name", "step")
        with self._client() as client:
            client.subscribe_topic(dask_flavor.LINES_TOPIC, dask_flavor._relay)
            future = dask_flavor.submit(client, step, fn, task)
            try:
                return future.result()
            except BaseException:
                future.cancel()
                raise

    @contextmanager
    def _client(self) -> Iterator[Any]:
        address = self.config.get("address")
        timeout = float(self.config.get("timeout") or dask_flavor.CONNECT_TIMEOUT_S)
        if address:
            with dask_flavor.connect(address, timeout, StackctlError) as client:
                yield client
            return
        cluster = dask_flavor.local_cluster(
            int(self.config.get("n_workers") or 1),
            int(self.config.get("threads_per_worker") or 1),
            bool(self.config.get("processes", True)),
            dask_flavor.worker_resources(self.config),
        )
        with dask_flavor.local_client(cluster, close_errors_ok=True) as client:
            yield client

    @staticmethod
    def requires_shared_store(config: Mapping[str, Any]) -> bool:
        return dask_flavor.requires_shared_store(config)


if TYPE_CHECKING:
    from stackctl.components.step_operators.base import StepOperator

    _operator: type[StepOperator] = DaskStepOperator
