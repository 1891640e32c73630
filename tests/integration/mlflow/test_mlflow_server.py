"""The MLflow tracker and model registry against a real ``mlflow server`` (SQLite
backend, basic auth), read back with MLflow's own client: the credentials from the
config are what lets them in (a wrong password is refused, and never shown)."""

from __future__ import annotations

import os
import uuid

import pytest

from stackctl.components.experiment_trackers.mlflow import MlflowTracker
from stackctl.components.model_registries.mlflow import (
    MlflowModelRegistry,
    MlflowRegistryProvisioner,
)
from stackctl.errors import ProvisionError, StackctlError
from stackctl.model import ModelDecl, ModelVersion, StageChange

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"  # one server per session: names must not clash


@pytest.fixture
def config(mlflow_tracking_server):
    server = mlflow_tracking_server
    return {"tracking_uri": server.url, "username": server.username, "password": server.password}


@pytest.fixture
def reader(mlflow_tracking_server, monkeypatch):
    """MLflow's client with the admin's credentials, to look behind the components."""
    from mlflow import MlflowClient

    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", mlflow_tracking_server.username)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", mlflow_tracking_server.password)
    url = mlflow_tracking_server.url
    return MlflowClient(url, registry_uri=url)


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")


def test_the_tracker_logs_to_the_server_with_its_credentials(tmp_path, config, reader):
    pipeline = unique("training")
    tracker = MlflowTracker("mlflow", config, tmp_path)
    with tracker.step_run("r123", pipeline, "evaluate") as tracked:
        tracker.log_params({"seed": 42})
        tracker.log_metrics({"accuracy": 0.9})
        tracker.log_metrics({"accuracy": 0.95}, step=1)
    run = reader.get_run(tracked.id)
    assert run.info.run_name == "r123/evaluate"
    assert run.info.status == "FINISHED"
    assert run.data.params == {"seed": "42"}
    assert run.data.metrics == {"accuracy": 0.95}
    assert reader.get_experiment(run.info.experiment_id).name == pipeline


def test_a_wrong_password_is_refused_and_not_shown(tmp_path, config, capsys):
    tracker = MlflowTracker("mlflow", {**config, "password": "not-the-password"}, tmp_path)
    with tracker.step_run("r1", unique("p"), "s"):
        with pytest.raises(StackctlError, match="cannot start a run") as caught:
            tracker.log_params({"a": 1})
    assert "MLFLOW_TRACKING_PASSWORD" not in os.environ  # lent while used, then taken back
    assert "not-the-password" not in str(caught.value) + caught.value.hint
    printed = capsys.readouterr()
    assert "not-the-password" not in printed.out + printed.err
    anonymous = MlflowTracker("mlflow", {"tracking_uri": config["tracking_uri"]}, tmp_path)
    with anonymous.step_run("r1", unique("p"), "s"):
        with pytest.raises(StackctlError, match="cannot start a run"):
            anonymous.log_params({"a": 1})


def test_the_registry_mirrors_versions_and_stages_into_the_server(tmp_path, config, reader):
    name = unique("iris")
    registry = MlflowModelRegistry("mlflow", config, tmp_path)
    model = ModelDecl(name, "logistic regression", ("iris",))
    for number in (1, 2):
        (tmp_path / f"{number}.joblib").write_bytes(b"model %d" % number)
        version = ModelVersion(name, number, f"run{number}", "training", "2026-01-01T00:00:00Z")
        registry.register_version(model, version, (tmp_path / f"{number}.joblib").as_uri())
    registry.register_version(model, version, (tmp_path / "2.joblib").as_uri())  # idempotent
    registry.set_stages(name, [StageChange(name, 2, "", "production", "me", "now")])
    found = {
        v.tags["stackctl.version"]: v for v in reader.search_model_versions(f"name = '{name}'")
    }
    assert sorted(found) == ["1", "2"]
    assert reader.get_registered_model(name).description == "logistic regression"
    production = reader.get_model_version_by_alias(name, "production")
    assert production.tags["stackctl.version"] == "2"
    # the server cannot read this machine's files: the model file went up with a run
    assert production.source.startswith("runs:/") and production.run_id
    downloaded = reader.download_artifacts(production.run_id, "model/2.joblib", str(tmp_path))
    assert open(downloaded, "rb").read() == b"model 2"


def test_the_registry_provisioner_checks_the_server_and_the_credentials(tmp_path, config):
    provisioner = MlflowRegistryProvisioner()
    assert provisioner.create(config, tmp_path) == {"tracking_uri": config["tracking_uri"]}
    assert provisioner.observe(config, tmp_path).exists
    wrong = {**config, "password": "wrong-password-123"}
    with pytest.raises(ProvisionError, match="cannot be used") as caught:
        provisioner.create(wrong, tmp_path)
    assert "wrong-password-123" not in str(caught.value)
    assert not provisioner.observe(wrong, tmp_path).exists
