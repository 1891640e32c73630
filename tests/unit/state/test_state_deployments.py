"""Deployments: the same contract on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from stackctl.model import Deployment
from stackctl.state.base import StateStore

IRIS = Deployment(
    deployer="mlflow",
    model="iris",
    version=1,
    url="http://127.0.0.1:5001",
    port=5001,
    pid=4242,
    host="laptop",
    started_at="2026-01-01T00:00:00Z",
    command=("python", "-m", "mlflow", "models", "serve"),
    log=".stackctl/deployments/mlflow/iris-v1/server.log",
    model_uri="/p/.stackctl/deployments/mlflow/iris-v1/model",
)


def test_record_list_replace_and_remove(store: StateStore) -> None:
    assert store.deployments() == []
    second = replace(IRIS, version=2, port=5002, url="http://127.0.0.1:5002")
    store.record_deployment(second)
    store.record_deployment(IRIS)
    assert store.deployments() == [IRIS, second]  # by deployer, model, version
    moved = replace(IRIS, pid=99, port=6000)
    store.record_deployment(moved)  # a redeploy replaces the record of that version
    assert store.deployments() == [moved, second]
    assert store.remove_deployment("mlflow", "iris", 1) is True
    assert store.remove_deployment("mlflow", "iris", 1) is False
    assert store.deployments() == [second]


def test_another_handle_sees_the_records(backend) -> None:
    first, other = backend.open(), backend.open()
    first.record_deployment(IRIS)
    assert other.deployments() == [IRIS]
