"""The `pandera` data validator through the real CLI: validate locates a missing schema
file, apply loads the schemas, the built-in step passes good data (its report is the
output) and fails bad data naming the failed checks, drift sees a schema file gone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support.cli import STACKCTL, call, clean_env
from support.golden import check_golden
from support.projects import write_files
from support.stores import open_store

from stackctl.components.artifact_stores.base import read_verified
from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.runtime.visualizations import recorded

GOLDEN = Path(__file__).parents[1] / "data" / "validation"

SCHEMA = """\
schema_type: dataframe
columns:
  sepal_length:
    dtype: float64
    nullable: false
    checks:
      greater_than: 0
      less_than_or_equal_to: 10
  species:
    dtype: str
    checks:
      isin: [setosa, versicolor, virginica]
"""

FILES = {
    "stackctl.yaml": "project: checked\ninclude: [stacks/*.yaml, pipelines/*.yaml]\n",
    "stacks/local.yaml": """\
components:
  orchestrator:
    local: {flavor: local}
  artifact_store:
    local: {flavor: local, config: {path: .stackctl/store}}
  data_validator:
    pandera: {flavor: pandera, config: {schemas: {iris: validation/iris.yaml}}}
stacks:
  dev: {orchestrator: local, artifact_store: local, data_validator: pandera}
""",
    "pipelines/checked.yaml": """\
pipelines:
  checked:
    params: {bad: false}
    steps:
      load: {function: steps.data:load, params: {bad: "${params.bad}"}}
      validate:
        function: stackctl.steps.validation:validate
        inputs: {df: load.output}
        params: {schema: validation/iris.yaml}
        cache: false
  by_name:
    steps:
      load: {function: steps.data:load}
      validate:
        function: stackctl.steps.validation:validate
        inputs: {df: load.output}
        params: {schema: iris}
""",
    "validation/iris.yaml": SCHEMA,
    "steps/__init__.py": "",
    "steps/data.py": """\
import pandas as pd


def load(bad: bool = False) -> pd.DataFrame:
    if bad:
        return pd.DataFrame(
            {"sepal_length": [5.1, -1.0, 42.0, None], "species": ["setosa", "rose", "setosa", "tulip"]}
        )
    return pd.DataFrame({"sepal_length": [5.1, 4.9, 6.3], "species": ["setosa", "setosa", "virginica"]})
""",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_files(tmp_path_factory.mktemp("validator"), FILES)
    env = clean_env()
    call([STACKCTL, "apply", "--auto-approve"], cwd=root, env=env, timeout=300)
    call([STACKCTL, "stack", "set", "dev"], cwd=root, env=env)
    return root


def normalise(text: str, root: Path) -> str:
    text = text.replace(str(root), "<ROOT>")
    text = re.sub(r"\b[0-9a-f]{64}\b", "<SHA256>", text)
    text = re.sub(r"/[0-9a-f]{2}/<SHA256>/", "/<SHA256>/", text)
    text = re.sub(r"\b[0-9a-f]{32}\b", "<RUN>", text)
    text = re.sub(r"\b[0-9a-f]{8}\b", "<RUN8>", text)
    return re.sub(r" in \d+\.\d\ds", " in N.NNs", text)


def test_good_data_passes_and_the_report_is_the_output(project: Path) -> None:
    env = clean_env()
    out = call([STACKCTL, "run", "checked"], cwd=project, env=env, timeout=300).out
    run = out.splitlines()[-1].split()[1]
    report = json.loads(
        call([STACKCTL, "artifacts", "get", run, "validate.output"], cwd=project, env=env).out
    )
    assert report["passed"] is True
    assert report["failed"] == []
    assert (report["rows"], report["columns"]) == (3, 2)
    assert "sepal_length: greater_than(0)" in report["checks"]
    assert report["html"].startswith("<!doctype html>")
    # the page is the output's visualization (the dashboard shows it sandboxed)
    state = open_store(str(project / ".stackctl" / "state.db"))
    try:
        run_id = state.run(run).id
        shown = recorded(state.metadata(run_id, "validate"), "validate", "output")
    finally:
        state.close()
    assert [(v.name, v.media_type) for v in shown] == [("report", "text/html")]
    store = LocalArtifactStore("local", {"path": ".stackctl/store"}, project)
    page = read_verified(store, shown[0].uri, shown[0].digest, "report")
    assert page.decode() == report["html"]


def test_a_schema_named_in_the_validator_config_works_too(project: Path) -> None:
    call([STACKCTL, "run", "by_name"], cwd=project, env=clean_env(), timeout=300)


def test_bad_data_fails_the_step_naming_the_failed_checks(project: Path) -> None:
    result = call(
        [STACKCTL, "run", "checked", "-p", "bad=true"],
        cwd=project,
        env=clean_env(),
        code=1,
        timeout=300,
    )
    shown = [
        line
        for line in (result.out + result.err).splitlines()
        if "validate" in line and "running" not in line
    ]
    check_golden(GOLDEN / "failed_run.txt", normalise("\n".join(shown) + "\n", project))
    # the full report was kept in the artifact store, named in the hint
    uri = re.search(r"the full report: (\S+)", result.out + result.err)
    assert uri is not None
    kept = json.loads(Path(uri.group(1)).read_text())
    assert kept["passed"] is False
    assert {(f["column"], f["check"]) for f in kept["failed"]} == {
        ("sepal_length", "not_nullable"),
        ("sepal_length", "greater_than(0)"),
        ("sepal_length", "less_than_or_equal_to(10)"),
        ("species", "isin(['setosa', 'versicolor', 'virginica'])"),
    }


def test_validate_locates_missing_schema_files(tmp_path: Path) -> None:
    files = dict(FILES)
    del files["validation/iris.yaml"]
    files["pipelines/checked.yaml"] = files["pipelines/checked.yaml"].replace(
        "schema: iris}", "schema: irsi}"
    )
    root = write_files(tmp_path, files)
    result = call([STACKCTL, "validate"], cwd=root, env=clean_env(), code=1)
    check_golden(GOLDEN / "missing_schema.txt", result.err)


def test_apply_refuses_a_schema_that_is_not_pandera(tmp_path: Path) -> None:
    root = write_files(tmp_path, {**FILES, "validation/iris.yaml": "columns: [\n"})
    result = call([STACKCTL, "apply", "--auto-approve"], cwd=root, env=clean_env(), code=1)
    assert "schema file validation/iris.yaml is not a pandera schema" in result.err
    assert (
        "data_validator.pandera"
        not in call([STACKCTL, "state", "list"], cwd=root, env=clean_env()).out
    )


def test_drift_sees_a_schema_file_gone(tmp_path: Path) -> None:
    root = write_files(tmp_path, FILES)
    env = clean_env()
    call([STACKCTL, "apply", "--auto-approve"], cwd=root, env=env, timeout=300)
    (root / "validation" / "iris.yaml").unlink()
    drift = call([STACKCTL, "drift"], cwd=root, env=env, code=2)
    assert "data_validator.pandera: schema file validation/iris.yaml (iris) is missing" in (
        drift.out + drift.err
    )


def test_register_update_and_describe_the_validator_and_a_feature_store(tmp_path: Path) -> None:
    files = {k: v for k, v in FILES.items() if not k.startswith("pipelines/")}
    root = write_files(tmp_path, files)
    env = clean_env()
    schemas = '{"iris": "validation/iris.yaml", "again": "validation/iris.yaml"}'
    call([STACKCTL, "data-validator", "register", "pv", "-f", "pandera"], cwd=root, env=env)
    call([STACKCTL, "data-validator", "update", "pv", "--schemas", schemas], cwd=root, env=env)
    shown = call([STACKCTL, "data-validator", "describe", "pv"], cwd=root, env=env).out
    assert "again: validation/iris.yaml" in shown
    call(
        [STACKCTL, "feature-store", "register", "fs", "-f", "feast", "--repo-path", "features"],
        cwd=root,
        env=env,
    )
    call([STACKCTL, "stack", "update", "dev", "-dv", "pv", "-f", "fs"], cwd=root, env=env)
    assert (
        "repo_path: features"
        in call([STACKCTL, "feature-store", "describe", "fs"], cwd=root, env=env).out
    )
    assert call([STACKCTL, "validate"], cwd=root, env=env).out.startswith("valid:")
