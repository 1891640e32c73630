"""Named artifacts of the iris example through the real CLI and stackctl.client: two runs
make versions 1 and 2, `artifacts versions/show/tag/lineage`, metadata in `runs`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support.cli import STACKCTL, Result, call, clean_env
from support.golden import check_golden

from stackctl import client
from stackctl.errors import StackctlError

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "cli" / "artifacts"


@pytest.fixture(scope="module")
def iris(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The repository's project copied as is, and the ids of two `training` runs."""
    root = tmp_path_factory.mktemp("iris")
    shutil.copy(ROOT / "stackctl.yaml", root)
    for folder in ("stacks", "pipelines"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    runs = []
    for _ in range(2):
        stackctl(root, "run", "training", timeout=240)
        runs.append(stackctl(root, "runs", "list", "--json").json()[0]["id"])
    return root, runs


def stackctl(root: Path, *args: str, code: int = 0, timeout: float = 60) -> Result:
    return call([STACKCTL, *args], cwd=root, env=clean_env(), code=code, timeout=timeout)


def normalised(text: str, root: Path, runs: list[str]) -> str:
    """Run ids, times and the tmp folder replaced by stable names (for goldens)."""
    for n, run in enumerate(runs, 1):
        text = text.replace(run, f"<run{n}-id>").replace(run[:8], f"<run{n}>")
    text = text.replace(str(root), "<root>")
    text = re.sub(r"[0-9a-f]{2}/[0-9a-f]{64}", "<digest path>", text)
    text = re.sub(r"[0-9a-f]{64}", "<digest>", text)
    return re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00| UTC)?", "<time>", text)


def test_two_runs_make_versions_1_and_2_of_each_name(iris):
    root, runs = iris
    for name in ("iris_data", "iris_model"):
        versions = stackctl(root, "artifacts", "versions", name, "--json").json()
        assert [(v["version"], v["run_id"]) for v in versions] == [(1, runs[0]), (2, runs[1])]
        # the second run came from the cache: a new version of the same object
        assert versions[0]["digest"] == versions[1]["digest"]
        assert versions[1]["producer_run_id"] == runs[0]
    names = stackctl(root, "artifacts", "versions").out
    assert re.search(r"^iris_data\s+2\s", names, re.M) and re.search(
        r"^iris_model\s+2\s", names, re.M
    )


def test_load_artifact_returns_the_data_and_the_model(iris):
    root, _ = iris
    data = client.load_artifact("iris_data", project=root)
    assert data.shape == (150, 5) and "target" in data.columns
    model = client.load_artifact("iris_model", version=1, project=root)
    assert type(model).__name__ == "LogisticRegression"
    predicted = model.predict(data.drop(columns="target"))
    assert (predicted == data["target"]).mean() > 0.9
    assert client.artifact_version("iris_model", project=root).version == 2
    with pytest.raises(StackctlError, match="no version 7"):
        client.load_artifact("iris_model", version=7, project=root)


def test_load_artifact_refuses_an_object_changed_in_the_store(iris):
    root, _ = iris
    version = client.artifact_version("iris_model", 1, project=root)
    path = Path(version.uri)
    original = path.read_bytes()
    try:
        path.write_bytes(original[:-8] + b"tampered")
        with pytest.raises(StackctlError, match="was modified after it was written"):
            client.load_artifact("iris_model", version=1, project=root)
    finally:
        path.write_bytes(original)


def test_show_prints_producer_metadata_consumers_and_a_preview(iris):
    root, runs = iris
    shown = stackctl(root, "artifacts", "show", "iris_data:1").out
    check_golden(GOLDEN / "show_iris_data.txt", normalised(shown, root, runs))
    data = stackctl(root, "artifacts", "show", "iris_data", "--json").json()
    assert data["version"] == 2 and data["metadata"]["rows"] == 150
    assert data["metadata"]["dtypes"]["target"] == "int64"
    assert {c["step"] for c in data["consumers"]} == {"split"}


def test_tags_select_versions_and_move(iris):
    root, _ = iris
    assert stackctl(root, "artifacts", "tag", "iris_model:1", "production").out == (
        "tagged iris_model:1 production\n"
    )
    assert (
        stackctl(root, "artifacts", "show", "iris_model:production", "--json").json()["version"]
        == 1
    )
    stackctl(root, "artifacts", "tag", "iris_model:2", "production")
    versions = stackctl(root, "artifacts", "versions", "iris_model", "--json").json()
    assert [v["tags"] for v in versions] == [[], ["production"]]
    assert client.load_artifact("iris_model", version="production", project=root) is not None


def test_lineage_goes_back_to_the_data_and_forward_to_the_consumers(iris):
    root, runs = iris
    up = stackctl(root, "artifacts", "lineage", "iris_model:2").out
    check_golden(GOLDEN / "lineage_iris_model.txt", normalised(up, root, runs))
    graph = stackctl(root, "artifacts", "lineage", "iris_model", "--json").json()
    labels = {n["label"].split(" ")[0] for n in graph["nodes"]}
    assert "iris_data:2" in labels and "split.X_train" in labels
    down = stackctl(root, "artifacts", "lineage", "iris_data:1", "--downstream", "--json").json()
    steps = {n["step"] for n in down["nodes"] if n["kind"] == "step"}
    assert steps == {"split", "train", "evaluate"}
    assert any(n.get("version") == "iris_model:1" for n in down["nodes"])


def test_runs_show_and_list_print_metadata(iris):
    root, runs = iris
    listed = stackctl(root, "runs", "list", "--columns", "accuracy,evaluation.test_rows").out
    header, *rows = listed.splitlines()
    assert header.split()[-2:] == ["ACCURACY", "EVALUATION.TEST_ROWS"]
    assert all(row.split()[-2:] == ["0.9667", "30"] for row in rows) and len(rows) == 2
    data = stackctl(root, "runs", "list", "-c", "accuracy", "--json").json()
    assert [r["metadata"]["accuracy"] for r in data] == [pytest.approx(0.9667, abs=1e-3)] * 2
    shown = stackctl(root, "runs", "show", runs[0], "--json").json()
    assert shown["metadata"]["run"]["accuracy"] == pytest.approx(0.9667, abs=1e-3)
    assert shown["metadata"]["steps"]["evaluate"]["evaluation"]["test_rows"] == 30
    assert {(a["name"], a["version"]) for a in shown["named_artifacts"]} == {
        ("iris_data", 1),
        ("iris_model", 1),
    }
    text = stackctl(root, "runs", "show", runs[1]).out
    assert re.search(r"^iris_model:2\s+train\.output\s+published$", text, re.M)
    assert "metadata (run)\n  accuracy: 0.9666666666666667\n" in text
    assert "metadata (step evaluate)\n  [evaluation]\n    accuracy:" in text


@pytest.mark.parametrize(
    "case,args",
    [
        ("unknown_name", ["artifacts", "show", "iris_modl"]),
        ("unknown_version", ["artifacts", "show", "iris_model:9"]),
        ("unknown_tag", ["artifacts", "lineage", "iris_model:prod"]),
        ("bad_ref", ["artifacts", "versions", "iris model"]),
        ("numeric_tag", ["artifacts", "tag", "iris_model:1", "7"]),
    ],
)
def test_bad_references_are_one_line_errors_with_the_fix(iris, case, args):
    root, _ = iris
    failed = stackctl(root, *args, code=1)
    assert failed.out == ""
    check_golden(GOLDEN / f"error_{case}.txt", failed.err)
