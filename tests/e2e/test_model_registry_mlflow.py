"""The `mlflow` model registry: apply makes its SQLite store, drift sees it gone, and
each model version and stage change shows up in MLflow, read with MLflow's own client.
(Slow: MLflow creates its tables with alembic migrations, ~10 s on a quiet machine.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.cli import STACKCTL, call, clean_env
from support.models_project import write_project

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_versions_and_stages_are_mirrored_into_mlflow(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    env = clean_env()
    call([STACKCTL, "apply", "--auto-approve"], cwd=root, env=env, timeout=300)
    db = root / ".stackctl" / "mlflow" / "registry.db"
    assert db.is_file()
    call([STACKCTL, "stack", "set", "registry"], cwd=root, env=env)
    runs = []
    for _ in range(2):
        out = call([STACKCTL, "run", "train", "--no-cache"], cwd=root, env=env, timeout=300).out
        runs.append(out.splitlines()[-1].split()[1])
    promote = [STACKCTL, "model", "promote", "ratio"]
    call([*promote, "1", "--stage", "production"], cwd=root, env=env, timeout=300)
    call([*promote, "2", "--stage", "production"], cwd=root, env=env, timeout=300)

    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    from mlflow import MlflowClient

    mlflow = MlflowClient(f"sqlite:///{db}", registry_uri=f"sqlite:///{db}")
    registered = mlflow.get_registered_model("ratio")
    assert registered.description == "a ratio that learns"
    assert "demo" in registered.tags
    by_tag = {v.tags["stackctl.version"]: v for v in mlflow.search_model_versions("name = 'ratio'")}
    assert sorted(by_tag) == ["1", "2"]
    assert [by_tag[n].tags["stackctl.run_id"] for n in ("1", "2")] == runs
    assert by_tag["1"].current_stage == "Archived"
    assert by_tag["2"].current_stage == "Production"
    production = mlflow.get_model_version_by_alias("ratio", "production")
    assert production.tags["stackctl.version"] == "2"
    source = Path(production.source.removeprefix("file://"))
    assert source.is_file() and source.name.endswith(".joblib")  # fit.output, the model

    db.unlink()
    drift = call([STACKCTL, "drift"], cwd=root, env=env, code=2, timeout=300)
    assert "model_registry.mlflow" in drift.out + drift.err
    assert "is missing" in drift.out + drift.err
