"""The `mlflow` model deployer end to end, on a stack whose tracker and model registry
are the session's `mlflow server` (basic auth, credentials as ``${secret:...}``):
train the iris model, `model deploy` it, get predictions over HTTP equal to the
in-process ones, see a killed server as drift, have apply restart it, `undeploy`, and
leave no process behind. The password never appears in anything stackctl prints."""

from __future__ import annotations

import json
import os
import signal
import urllib.request
import uuid
from pathlib import Path

import pytest
from support.cli import STACKCTL, call, clean_env

from stackctl.components.model_deployers import process

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "deployments"

STACKS = """\
components:
  orchestrator:
    local: {flavor: local}
  artifact_store:
    local: {flavor: local, config: {path: .stackctl/artifacts}}
  experiment_tracker:
    server:
      flavor: mlflow
      config: {tracking_uri: "URL", experiment: "EXPERIMENT",
               username: "${secret:mlflow_user}", password: "${secret:mlflow_password}"}
  model_registry:
    server:
      flavor: mlflow
      config: {tracking_uri: "URL",
               username: "${secret:mlflow_user}", password: "${secret:mlflow_password}"}
  model_deployer:
    mlflow: {flavor: mlflow, config: {startup_timeout: 300}}
stacks:
  serving:
    orchestrator: local
    artifact_store: local
    experiment_tracker: server
    model_registry: server
    model_deployer: mlflow
"""

PIPELINES = """\
pipelines:
  training:
    model: MODEL
    steps:
      load: {function: "pipelines.iris:load"}
      split: {function: "pipelines.iris:split", inputs: {df: load.output},
              outputs: [X_train, X_test, y_train, y_test]}
      train: {function: "pipelines.iris:train", inputs: {X: split.X_train, y: split.y_train}}
      evaluate: {function: "pipelines.iris:evaluate",
                 inputs: {model: train.output, X: split.X_test, y: split.y_test}}
"""

DEPLOY = """\
pipelines:
  deploy:
    steps:
      serve: {function: "stackctl.steps.deploy:deploy_model", params: {model: MODEL}}
"""

ROWS = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{url}/invocations",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@pytest.fixture
def project(tmp_path: Path, mlflow_tracking_server):
    """An iris project on the serving stack, its env (secrets) and the model name; every
    deployment is stopped afterwards whatever the test did."""
    server = mlflow_tracking_server
    model = f"iris_{uuid.uuid4().hex[:8]}"  # one server per session: names must not clash
    repo = Path(__file__).resolve().parents[2]
    (tmp_path / "stacks").mkdir()
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "stackctl.yaml").write_text(
        "project: serving\ninclude: [stacks/*.yaml, pipelines/*.yaml]\n"
    )
    stacks = STACKS.replace("URL", server.url).replace("EXPERIMENT", model)
    (tmp_path / "stacks" / "serving.yaml").write_text(stacks)
    (tmp_path / "pipelines" / "training.yaml").write_text(PIPELINES.replace("MODEL", model))
    (tmp_path / "pipelines" / "__init__.py").write_text("")
    (tmp_path / "pipelines" / "iris.py").write_text((repo / "pipelines" / "iris.py").read_text())
    env = clean_env("MLFLOW_TRACKING_")
    env["STACKCTL_SECRET_MLFLOW_USER"] = server.username
    env["STACKCTL_SECRET_MLFLOW_PASSWORD"] = server.password
    env["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "1"
    try:
        yield tmp_path, env, model
    finally:
        listed = call(
            [STACKCTL, "model", "deployments", "--json"], cwd=tmp_path, env=env, code=None
        )
        pids = [d["pid"] for d in json.loads(listed.out or "[]")] if listed.code == 0 else []
        call([STACKCTL, "model", "undeploy", "--all"], cwd=tmp_path, env=env, code=None)
        for pid in pids:  # belt and braces: never leave a server behind
            if process.group_pids(pid):
                os.killpg(pid, signal.SIGKILL)


def test_deploy_predict_drift_restart_undeploy(project, mlflow_tracking_server) -> None:
    root, env, model = project
    password = env["STACKCTL_SECRET_MLFLOW_PASSWORD"]
    printed: list[str] = []

    def run(*argv: str, code: int = 0, timeout: float = 600):
        result = call([STACKCTL, *argv], cwd=root, env=env, code=code, timeout=timeout)
        printed.append(result.out + result.err)
        return result

    run("apply", "--auto-approve")
    run("stack", "set", "serving")
    run("run", "training")

    deployed = json.loads(run("model", "deploy", model, "--json").out)
    assert deployed["status"] == "running" and deployed["version"] == 1
    assert deployed["url"].startswith("http://127.0.0.1:")

    # predictions over HTTP equal the in-process ones (MLflow 2+ scoring protocol)
    from stackctl import client

    estimator = client.get_model(model, project=root).model
    import pandas as pd

    frame = pd.DataFrame(ROWS, columns=estimator.feature_names_in_)
    expected = [int(p) for p in estimator.predict(frame)]
    body = {"dataframe_split": {"columns": list(frame.columns), "data": ROWS}}
    assert post(deployed["url"], body)["predictions"] == expected
    assert post(deployed["url"], {"inputs": ROWS})["predictions"] == expected

    listed = json.loads(run("model", "deployments", "--json").out)
    assert [(d["model"], d["version"], d["status"]) for d in listed] == [(model, 1, "running")]
    assert f"{model}  1        running" in run("model", "deployments").out

    # a dead server is drift; apply starts it again on the same port
    os.killpg(deployed["pid"], signal.SIGKILL)
    drift = run("drift", code=2)
    assert "model_deployer.mlflow" in drift.out and "is not running" in drift.out
    assert json.loads(run("model", "deployments", "--json").out)[0]["status"] == "dead"
    run("apply", "--auto-approve")
    run("drift")
    again = json.loads(run("model", "deployments", "--json").out)[0]
    assert again["status"] == "running" and again["pid"] != deployed["pid"]
    assert post(again["url"], {"inputs": ROWS})["predictions"] == expected

    # the registry server holds the version, with the model file uploaded
    from mlflow import MlflowClient

    os.environ["MLFLOW_TRACKING_USERNAME"] = env["STACKCTL_SECRET_MLFLOW_USER"]
    os.environ["MLFLOW_TRACKING_PASSWORD"] = password
    try:
        server = mlflow_tracking_server.url
        mlflow = MlflowClient(server, registry_uri=server)
        versions = mlflow.search_model_versions(f"name = '{model}'")
        assert [v.tags["stackctl.version"] for v in versions] == ["1"]
        assert mlflow.get_experiment_by_name(model) is not None  # the tracker logged there
    finally:
        del os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"]

    stopped = run("model", "undeploy", model)
    assert stopped.out.strip() == f"{model}:1 stopped ({deployed['url']})"
    assert process.group_pids(again["pid"]) == []
    assert "no deployments" in run("model", "deployments").out
    run("drift")

    # a server that cannot start (its port is taken): one line naming why, no record
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        failed = run("model", "deploy", model, "--port", str(busy), code=1)
    assert "did not start: the server exited" in failed.err
    assert "address already in use" in failed.err and failed.err.count("\n") == 2
    assert "no deployments" in run("model", "deployments").out

    (root / "pipelines" / "deploy.yaml").write_text(DEPLOY.replace("MODEL", model))
    run("run", "deploy")
    [served] = json.loads(run("model", "deployments", "--json").out)
    assert (served["model"], served["version"], served["status"]) == (model, 1, "running")
    assert post(served["url"], {"inputs": ROWS})["predictions"] == expected
    run("model", "undeploy", "--all")
    assert process.group_pids(served["pid"]) == []
    assert not any(password in text for text in printed)


def test_deploy_needs_a_deployer_and_a_servable_model(tmp_path: Path) -> None:
    """The bad paths: one line each with the fix (goldens), exit 1, nothing recorded."""
    from support.golden import check_golden
    from support.models_project import write_project

    root = write_project(tmp_path)
    env = clean_env()
    call([STACKCTL, "run", "train"], cwd=root, env=env, timeout=300)

    def refused(*argv: str, golden: str) -> None:
        result = call([STACKCTL, *argv], cwd=root, env=env, code=1, timeout=300)
        check_golden(GOLDEN / f"{golden}.txt", result.err)
        assert result.out == ""

    refused("model", "deploy", "ratio", golden="no_deployer")
    stacks = root / "stacks" / "local.yaml"
    stacks.write_text(
        stacks.read_text()
        .replace(
            "  model_registry:",
            "  model_deployer:\n    mlflow: {flavor: mlflow}\n  model_registry:",
        )
        .replace(
            "  dev: {orchestrator: local, artifact_store: local}",
            "  dev: {orchestrator: local, artifact_store: local, model_deployer: mlflow}",
        )
    )
    call(
        [STACKCTL, "apply", "--auto-approve", "--target", "stack.dev"],
        cwd=root,
        env=env,
        timeout=300,
    )
    call([STACKCTL, "stack", "set", "dev"], cwd=root, env=env)
    refused("model", "deploy", "ratio:1", golden="not_sklearn")
    assert list((root / ".stackctl" / "deployments").rglob("*")) == []  # nothing written
    refused("model", "deploy", "ratio:7", golden="no_version")
    refused("model", "deploy", "ratio", "--port", "80", golden="bad_port")
    refused("model", "undeploy", "ratio", golden="undeploy_unknown")
    refused("model", "undeploy", "ratio:one", golden="undeploy_bad_ref")
    refused("model", "undeploy", golden="undeploy_nothing_named")
    assert call([STACKCTL, "model", "deployments", "--json"], cwd=root, env=env).out.strip() == "[]"
    # the component verbs work for the type, as for any other
    register = [STACKCTL, "model-deployer", "register", "slow", "--flavor", "mlflow"]
    call([*register, "--startup-timeout", "300"], cwd=root, env=env)
    call([STACKCTL, "model-deployer", "update", "slow", "--workers", "2"], cwd=root, env=env)
    assert (
        "slow: {flavor: mlflow, config: {startup_timeout: 300, workers: 2}}" in stacks.read_text()
    )
    described = call([STACKCTL, "model-deployer", "describe", "slow"], cwd=root, env=env).out
    assert "flavor: mlflow" in described and "startup_timeout: 300" in described
    empty = call([STACKCTL, "model", "deployments"], cwd=root, env=env).out
    assert empty == "no deployments: start one with `stackctl model deploy NAME[:VERSION]`\n"
