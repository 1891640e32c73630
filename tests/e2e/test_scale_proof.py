"""The scale-out proof: one pipeline, unchanged, on a laptop stack, a process pool and a
Dask cluster writing to S3, with the team's state in PostgreSQL.

The repository's own project (stackctl.yaml, stacks/, pipelines/) is copied as is; only
the state backend in stackctl.yaml is pointed at a fresh PostgreSQL database. The S3 API
is moto's server on loopback, started for this module (`s3_endpoint` in tests/conftest.py);
the Dask LocalCluster is started by the run.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.cli import STACKCTL, Result, call, clean_env
from support.services import fresh_database, s3_client

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("default", "parallel", "dask")

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh database on the machine's PostgreSQL for the whole module, dropped after."""
    with fresh_database("stackctl_proof") as url:
        yield url


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Path:
    root = tmp_path_factory.mktemp("proof")
    shutil.copy(ROOT / "stackctl.yaml", root)
    for folder in ("stacks", "pipelines"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    config = (root / "stackctl.yaml").read_text()
    assert "backend: sqlite" in config
    config = config.replace("backend: sqlite", "backend: postgres")
    config = config.replace("path: .stackctl/state.db", "url: ${oc.env:STACKCTL_PG_URL}")
    (root / "stackctl.yaml").write_text(config)
    return root


@pytest.fixture(scope="module")
def env(pg_url: str, s3_endpoint: str) -> dict[str, str]:
    return {
        **clean_env("AWS_"),
        "STACKCTL_PG_URL": pg_url,
        "STACKCTL_S3_ENDPOINT": s3_endpoint,
        "STACKCTL_S3_BUCKET": f"proof-{uuid.uuid4().hex[:12]}",
        "STACKCTL_SECRET_AWS_KEY": "testing",
        "STACKCTL_SECRET_AWS_SECRET": "testing",
        "AWS_CONFIG_FILE": "/nonexistent",  # no profile of the machine leaks in
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }


def stackctl(project: Path, env: dict[str, str], *args: str) -> Result:
    return call([STACKCTL, *args], cwd=project, env=env, code=None, timeout=240)


def ok(result: Result) -> str:
    assert result.code == 0, result.out + result.err
    return result.out


@pytest.fixture(scope="module")
def runs(project: Path, env: dict[str, str]) -> dict[str, dict]:
    """Apply the project, then run `training` once on each stack; `runs show --json` of each."""
    ok(stackctl(project, env, "validate"))
    ok(stackctl(project, env, "apply", "--auto-approve"))
    shown = {}
    for stack in STACKS:
        run = json.loads(
            ok(stackctl(project, env, "run", "training", "--stack", stack, "--no-cache", "--json"))
        )
        assert run["status"] == "completed" and run["stack"] == stack
        shown[stack] = json.loads(ok(stackctl(project, env, "runs", "show", run["id"], "--json")))
    return shown


def test_the_pipeline_files_are_the_repository_s(project: Path) -> None:
    for path in (ROOT / "pipelines").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert (project / path.relative_to(ROOT)).read_bytes() == path.read_bytes()


def test_apply_created_the_bucket(runs: dict[str, dict], env: dict[str, str]) -> None:
    listed = s3_client(env["STACKCTL_S3_ENDPOINT"]).list_buckets()["Buckets"]
    assert env["STACKCTL_S3_BUCKET"] in [b["Name"] for b in listed]


def test_every_stack_writes_identical_artifacts(runs: dict[str, dict]) -> None:
    digests = {
        stack: {(a["step"], a["name"]): a["digest"] for a in shown["artifacts"]}
        for stack, shown in runs.items()
    }
    assert len(digests["default"]) == 7  # load, 4 splits, train, evaluate
    assert digests["parallel"] == digests["default"]
    assert digests["dask"] == digests["default"]


def test_each_run_records_its_stack(runs: dict[str, dict], env: dict[str, str]) -> None:
    flavors = {
        stack: {t: c["flavor"] for t, c in shown["stack_snapshot"]["components"].items()}
        for stack, shown in runs.items()
    }
    assert flavors["default"] == {"orchestrator": "local", "artifact_store": "local"}
    assert flavors["parallel"] == {"orchestrator": "local_parallel", "artifact_store": "local"}
    assert flavors["dask"] == {
        "orchestrator": "dask",
        "artifact_store": "s3",
        "experiment_tracker": "mlflow",
    }
    dask_store = runs["dask"]["stack_snapshot"]["components"]["artifact_store"]["config"]
    assert dask_store["key"] == "(sensitive)" and dask_store["secret"] == "(sensitive)"
    bucket = env["STACKCTL_S3_BUCKET"]
    assert all(a["uri"].startswith(f"s3://{bucket}/") for a in runs["dask"]["artifacts"])
    assert not any(a["uri"].startswith("s3://") for a in runs["default"]["artifacts"])


def test_the_dask_run_links_its_mlflow_run(runs: dict[str, dict], project: Path) -> None:
    from mlflow.tracking import MlflowClient

    linked = runs["dask"]["extra"]["experiment_tracker"]
    assert linked["name"] == "mlflow"
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    client = MlflowClient((project / ".stackctl" / "mlruns").as_uri())
    mlflow_run = client.get_run(linked["runs"]["evaluate"])
    assert mlflow_run.info.run_name == f"{runs['dask']['id']}/evaluate"
    assert 0.8 < mlflow_run.data.metrics["accuracy"] <= 1.0
    assert client.get_experiment(mlflow_run.info.experiment_id).name == "iris"


def test_runs_show_prints_the_mlflow_run_ids(
    runs: dict[str, dict], project: Path, env: dict[str, str]
) -> None:
    linked = runs["dask"]["extra"]["experiment_tracker"]["runs"]
    text = ok(stackctl(project, env, "runs", "show", runs["dask"]["id"]))
    assert f"tracker  mlflow run {linked['evaluate']} (step evaluate)" in text


def test_runs_list_shows_one_run_per_stack(runs: dict[str, dict], project: Path, env) -> None:
    listed = json.loads(ok(stackctl(project, env, "runs", "list", "--json")))
    assert sorted(r["stack"] for r in listed) == sorted(STACKS)


def test_drift_when_the_bucket_is_deleted_and_apply_brings_it_back(
    runs: dict[str, dict], project: Path, env: dict[str, str]
) -> None:
    ok(stackctl(project, env, "drift"))
    s3, bucket = s3_client(env["STACKCTL_S3_ENDPOINT"]), env["STACKCTL_S3_BUCKET"]
    for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=obj["Key"])
    s3.delete_bucket(Bucket=bucket)

    drift = stackctl(project, env, "drift")
    assert drift.code == 2, drift.out + drift.err
    assert f"artifact_store.s3: bucket {bucket} of s3://{bucket}/iris-demo is missing" in drift.out

    ok(stackctl(project, env, "apply", "--auto-approve"))
    ok(stackctl(project, env, "drift"))
