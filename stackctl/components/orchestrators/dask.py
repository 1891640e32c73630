"""The ``dask`` orchestrator: each step is one dask.distributed task on a worker.

With ``address: null`` every run starts its own ``LocalCluster`` and closes it after;
with an address the run connects a client to that scheduler. Workers share nothing
but the artifact store (``execute_step`` loads inputs from it and writes outputs to
it), which is why a remote cluster needs a shared store: see ``requires_shared_store``
and ``stackctl.components.reachability``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from stackctl.components.orchestrators.base import Finished, Orchestrator, Session
from stackctl.components.orchestrators.cluster_provisioner import AddressProvisioner
from stackctl.components.orchestrators.placement import check_dask, placed, resources_of
from stackctl.errors import ProvisionError, StackctlError

_CLOSE_S = 0.5  # per close on cancel; then what is left is killed

#: Seconds to wait for a configured scheduler before giving up (config ``timeout``).
CONNECT_TIMEOUT_S = 10.0


def _distributed() -> Any:
    """dask.distributed, imported on first use (it takes a second); typed loosely
    because its API is only partly annotated."""
    import distributed

    return distributed


#: The scheduler topic that carries step lines from workers back to the run's client.
LINES_TOPIC = "stackctl-step-lines"


def _shipping(fn: Callable[[Any], Any], task: Any) -> Any:
    """Runs on a worker: its steps' lines go to the scheduler as events (the run's client
    subscribes), since a worker process cannot write to the CLI's terminal."""
    from stackctl import lines

    worker = _distributed().get_worker()

    def ship(step: str, line: str) -> None:
        worker.log_event(LINES_TOPIC, {"step": step, "line": line})

    lines.install_process(ship)
    return placed(fn(task), "dask", str(worker.address))


def _relay(event: tuple[float, Any]) -> None:
    """Runs in the client: one line a worker shipped, to the sink the CLI installed."""
    from stackctl import lines

    message = event[1]
    if isinstance(message, dict):
        lines.emit(str(message.get("step", "")), str(message.get("line", "")))


class DaskSession:
    """Submits tasks through a dask client and reports them as they complete."""

    def __init__(self, client: Any, slots: int) -> None:
        self._client = client
        self.slots = slots
        self._futures: dict[Any, str] = {}
        # as_completed (rather than distributed.wait) takes the client's loop, so no
        # default client is needed: two runs in one process keep their own clusters.
        self._done = _distributed().as_completed(loop=client.loop)

    def submit(self, key: str, fn: Callable[[Any], Any], task: Any) -> None:
        # pure=False: a step may be impure (time, randomness); a readable unique key
        # makes the dask dashboard show step names.
        future = submit(self._client, key, fn, task)
        self._futures[future] = key
        self._done.add(future)

    def wait(self) -> list[Finished]:
        done = [next(self._done), *self._done.next_batch(block=False)]
        finished = []
        for future in done:
            key = self._futures.pop(future, None)
            if key is None:  # cancelled by us
                continue
            if future.status == "finished":
                finished.append(Finished(key, result=future.result()))
            else:  # "error" (the task raised, or KilledWorker) or "cancelled"
                error = future.exception() if future.status == "error" else None
                finished.append(Finished(key, error=error or RuntimeError(future.status)))
            future.release()
        return finished

    def cancel(self) -> None:
        if self._futures:
            self._client.cancel(list(self._futures))
            self._futures.clear()


def submit(client: Any, key: str, fn: Callable[[Any], Any], task: Any) -> Any:
    """``fn(task)`` on a worker with the resources the step declares, refused when no
    worker declares them (dask would hold the task forever)."""
    resources = resources_of(task)
    extra: dict[str, Any] = {}
    if resources:
        check_dask(key, resources, client.scheduler_info().get("workers") or {})
        extra["resources"] = resources
    return client.submit(_shipping, fn, task, pure=False, key=f"{key}-{uuid.uuid4().hex}", **extra)


def worker_resources(config: Mapping[str, Any]) -> dict[str, float]:
    """What each worker of a LocalCluster declares: ``worker_resources``, by default
    ``cpu`` = its threads (so ``resources: {cpu: N}`` means N threads' worth)."""
    declared = config.get("worker_resources")
    if declared is not None:
        return {str(k): float(v) for k, v in declared.items()}
    return {"cpu": float(config.get("threads_per_worker") or 1)}


def local_cluster(
    n_workers: int, threads_per_worker: int, processes: bool, resources: Mapping[str, float]
) -> Any:
    """A LocalCluster on loopback: a random port, quiet workers."""
    # A random loopback port: the default 8787 collides between concurrent runs
    # (and None still binds 8787 for the scheduler's HTTP routes).
    return _distributed().LocalCluster(
        n_workers=n_workers,
        threads_per_worker=threads_per_worker,
        processes=processes,
        dashboard_address="127.0.0.1:0",
        silence_logs=40,  # logging.ERROR: worker chatter is not the run's output
        resources=dict(resources) or None,
    )


class DaskOrchestrator:
    """``address`` of a scheduler, or a per-run LocalCluster (``n_workers`` x threads)."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.address: str | None = config.get("address") or None
        self.n_workers = int(config.get("n_workers") or 2)
        self.threads_per_worker = int(config.get("threads_per_worker") or 1)
        self.processes = bool(config.get("processes", True))
        self.timeout = float(config.get("timeout") or CONNECT_TIMEOUT_S)
        self.worker_resources = worker_resources(config)

    @staticmethod
    def requires_shared_store(config: Mapping[str, Any]) -> bool:
        """See the module-level ``requires_shared_store`` (apply checks it per stack)."""
        return requires_shared_store(config)

    @contextmanager
    def session(self) -> Iterator[DaskSession]:
        with self._client() as client:
            slots = sum(client.nthreads().values()) or 1
            session = DaskSession(client, slots)
            client.subscribe_topic(LINES_TOPIC, _relay)
            try:
                yield session
            except BaseException:
                session.cancel()  # Ctrl-C or a run loop error: stop the cluster's work
                raise
            finally:
                with suppress(Exception):  # a closed client has nothing left to stop
                    client.unsubscribe_topic(LINES_TOPIC)

    @contextmanager
    def _client(self) -> Iterator[Any]:
        if self.address is not None:
            with connect(self.address, self.timeout, StackctlError) as client:
                yield client
            return
        cluster = local_cluster(
            self.n_workers, self.threads_per_worker, self.processes, self.worker_resources
        )
        with local_client(cluster) as client:
            yield client


@contextmanager
def local_client(cluster: Any, *, close_errors_ok: bool = False) -> Iterator[Any]:
    """A client of the new LocalCluster ``cluster``; both are closed after, fast on
    Ctrl-C. ``close_errors_ok``: a client that fails to close is not an error (the
    step operator's result is in hand by then)."""
    try:
        client = _distributed().Client(cluster, set_as_default=False)
    except BaseException:
        cluster.close()
        raise
    try:
        yield client
    except BaseException:
        _close_fast(client, cluster)  # Ctrl-C: the contract is an exit within 2 s
        raise
    if close_errors_ok:
        with suppress(Exception):
            client.close()
    else:
        client.close()
    cluster.close()


def _close_fast(client: Any, cluster: Any) -> None:
    """End a cancelled run's LocalCluster in about a second, whatever its workers are
    doing: a step still running would hold a graceful close for seconds."""
    import multiprocessing

    from stackctl.components.orchestrators import workers

    # A nanny restarts a worker that dies, and a worker spawned while this process
    # exits dies reading its start-up data (an EOFError traceback on the terminal):
    # tell each nanny first that its worker's exit is the end (it only sets a status).
    for nanny in list(getattr(cluster, "workers", {}).values()):
        with contextlib.suppress(Exception):
            nanny.close_gracefully(reason="stackctl-run-cancelled")
    workers.end(multiprocessing.active_children(), grace_s=_CLOSE_S)
    with contextlib.suppress(Exception):
        client.close(timeout=_CLOSE_S)
    # Its workers are gone; what is left (scheduler, nannies) is threads and sockets of
    # this process, which is about to exit. distributed's atexit hook would still close
    # the cluster gracefully, waiting for the dead workers for ~2 s (measured 2.1 of
    # the 2.4-3.2 s a Ctrl-C took): opt this cluster out of it.
    cluster.shutdown_on_close = False


@contextmanager
def connect(address: str, timeout: float, error: type[StackctlError]) -> Iterator[Any]:
    """A client of the scheduler at ``address``; ``error`` when it does not answer."""
    try:
        client = _distributed().Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise error(
            f"the dask scheduler at {address} did not answer within {timeout:g}s: {exc}",
            hint="start it (`dask scheduler`), fix `address` in the orchestrator config, or "
            "set `address: null` to run on a LocalCluster",
        ) from None
    try:
        yield client
    finally:
        client.close()


def requires_shared_store(config: Mapping[str, Any]) -> bool:
    """Whether workers may run on other machines, so a local-only store cannot work.

    A LocalCluster (``address: null``) and a scheduler on a loopback or ``inproc``
    address run next to the caller; anything else is treated as remote.
    """
    address = config.get("address")
    if not address:
        return False
    if address.startswith("inproc://"):
        return False
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def _timeout(config: Mapping[str, Any]) -> float:
    return float(config.get("timeout") or CONNECT_TIMEOUT_S)


class DaskProvisioner(AddressProvisioner):
    """Nothing to create: checks that a configured scheduler answers."""

    what = "dask scheduler"
    local = "a LocalCluster"

    def probe(self, config: Mapping[str, Any]) -> None:
        with connect(config["address"], _timeout(config), ProvisionError):
            pass


if TYPE_CHECKING:  # static proof that the classes satisfy the contract
    from stackctl.components.provisioner import Adopter, Provisioner

    _session: type[Session] = DaskSession
    _orchestrator: type[Orchestrator] = DaskOrchestrator
    _provisioner: type[Provisioner] = DaskProvisioner
    _adopter: type[Adopter] = DaskProvisioner
