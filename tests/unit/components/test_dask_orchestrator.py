"""The ``dask`` orchestrator on an in-process LocalCluster, and its provisioner."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.services import free_port

from stackctl.components.orchestrators.dask import (
    DaskOrchestrator,
    DaskProvisioner,
    requires_shared_store,
)
from stackctl.components.reachability import check_shared_store, store_is_shared
from stackctl.errors import Location, PlanError, ProvisionError, StackctlError
from stackctl.model import ComponentSpec, StackSpec

THREADS = {"n_workers": 2, "threads_per_worker": 1, "processes": False}


def square(x: int) -> int:
    return x * x


def crash(x: int) -> int:
    raise ValueError(f"bad {x}")


def meet(args: tuple[str, str, str]) -> str:
    """A barrier: returns only if the other task runs at the same time."""
    folder, me, other = args
    Path(folder, me).touch()
    deadline = time.monotonic() + 20
    while not Path(folder, other).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{other} never started")
        time.sleep(0.01)
    return me


def dead_address() -> str:
    return f"tcp://127.0.0.1:{free_port()}"


def test_session_reports_results_and_errors_by_key():
    orchestrator = DaskOrchestrator("d", THREADS, Path("."))
    with orchestrator.session() as session:
        assert session.slots == 2
        session.submit("ok", square, 7)
        session.submit("bad", crash, 3)
        finished = {}
        while len(finished) < 2:
            finished.update({f.key: f for f in session.wait()})
    assert finished["ok"].result == 49 and finished["ok"].error is None
    assert isinstance(finished["bad"].error, ValueError) and "bad 3" in str(finished["bad"].error)


def test_independent_tasks_run_concurrently(tmp_path):
    with DaskOrchestrator("d", THREADS, tmp_path).session() as session:
        session.submit("a", meet, (str(tmp_path), "a", "b"))
        session.submit("b", meet, (str(tmp_path), "b", "a"))
        results = {}
        while len(results) < 2:
            results.update({f.key: f.result for f in session.wait()})
    assert results == {"a": "a", "b": "b"}


def test_the_local_cluster_is_closed_after_the_session():
    orchestrator = DaskOrchestrator("d", THREADS, Path("."))
    with orchestrator.session() as session:
        client = session._client
    assert client.status == "closed"


def test_a_configured_scheduler_runs_the_tasks():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        config = {"address": cluster.scheduler_address}
        orchestrator = DaskOrchestrator("d", config, Path("."))
        with orchestrator.session() as session:
            assert session.slots == 2
            session.submit("x", square, 5)
            assert [f.result for f in session.wait()] == [25]
        assert DaskProvisioner().create(config, Path(".")) == {"address": cluster.scheduler_address}
        assert DaskProvisioner().observe(config, Path(".")).exists


def test_an_unreachable_scheduler_is_a_clear_error():
    address = dead_address()
    config = {"address": address, "timeout": 0.5}
    with pytest.raises(StackctlError) as caught:
        with DaskOrchestrator("d", config, Path(".")).session():
            pass
    assert f"the dask scheduler at {address} did not answer within 0.5s" in caught.value.message
    assert "address: null" in caught.value.hint
    with pytest.raises(ProvisionError, match="did not answer"):
        DaskProvisioner().create(config, Path("."))
    seen = DaskProvisioner().observe(config, Path("."))
    assert not seen.exists and address in seen.detail


def test_provisioner_has_nothing_to_check_for_a_local_cluster():
    assert DaskProvisioner().create({"address": None}, Path(".")) == {"address": None}
    assert DaskProvisioner().observe({}, Path(".")).exists
    DaskProvisioner().delete({"address": "tcp://10.0.0.1:8786"}, Path("."))  # never stops it


@pytest.mark.parametrize(
    ("address", "remote"),
    [
        (None, False),
        ("", False),
        ("tcp://127.0.0.1:8786", False),
        ("tcp://localhost:8786", False),
        ("127.0.0.1:8786", False),
        ("tcp://[::1]:8786", False),
        ("inproc://10.0.0.1/1/2", False),
        ("tcp://10.0.0.5:8786", True),
        ("tls://scheduler.example.com:8786", True),
        ("scheduler:8786", True),
    ],
)
def test_requires_shared_store_only_for_remote_schedulers(address, remote):
    assert requires_shared_store({"address": address}) is remote
    assert DaskOrchestrator.requires_shared_store({"address": address}) is remote


def spec(type_, name, flavor, **config):
    return ComponentSpec(type_, name, flavor, config)


def test_apply_check_refuses_a_remote_cluster_with_a_local_store():
    stack = StackSpec("prod", {}, location=Location("stacks/prod.yaml", 3, 3))
    remote = spec("orchestrator", "cluster", "dask", address="tcp://10.0.0.5:8786")
    with pytest.raises(PlanError) as caught:
        check_shared_store(stack, remote, spec("artifact_store", "disk", "local", path="a"))
    error = caught.value
    assert error.message == (
        "stack 'prod' runs on orchestrator.cluster (dask at tcp://10.0.0.5:8786), but its "
        "artifact store artifact_store.disk (local) is local to this machine: workers "
        "elsewhere could not read or write the step artifacts"
    )
    assert "flavor s3" in error.hint and "address: null" in error.hint
    assert str(error.location) == "stacks/prod.yaml:3:3"
    with pytest.raises(PlanError):
        check_shared_store(stack, remote, spec("artifact_store", "m", "fsspec", uri="memory://x"))
    # shared stores, or a LocalCluster, or a scheduler on loopback pass
    check_shared_store(stack, remote, spec("artifact_store", "s3", "s3", uri="s3://b/p"))
    check_shared_store(stack, remote, spec("artifact_store", "g", "fsspec", uri="gcs://b/p"))
    disk = spec("artifact_store", "disk", "local")
    check_shared_store(stack, spec("orchestrator", "d", "dask", address=None), disk)
    check_shared_store(stack, spec("orchestrator", "d", "dask", address="tcp://127.0.0.1:1"), disk)
    check_shared_store(stack, spec("orchestrator", "l", "local"), disk)


def test_store_is_shared_reads_a_class_attribute_too():
    class Shared:
        shared = True

    assert store_is_shared(Shared, {})
    assert not store_is_shared(object, {})


def test_the_orchestrator_pickles_and_reads_its_config():
    import pickle

    orchestrator = DaskOrchestrator("d", {"n_workers": 3, "processes": False}, Path("."))
    clone = pickle.loads(pickle.dumps(orchestrator))
    assert (clone.n_workers, clone.threads_per_worker, clone.processes) == (3, 1, False)
    assert clone.address is None
