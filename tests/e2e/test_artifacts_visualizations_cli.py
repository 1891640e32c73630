"""`stackctl artifacts show` prints the text forms of visualizations (golden): a
DataFrame's tables, CSV as a table, markdown rendered, HTML and PNG named with where to
see them; a modified one is reported, not printed."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest
from support.cli import STACKCTL, Result, call, clean_env
from support.golden import check_golden

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "cli" / "artifacts"

SCRIPT = """
from typing import Annotated

import numpy as np
import pandas as pd

from stackctl import pipeline, step
from stackctl.types import CSVString, HTMLString, MarkdownString


@step
def frame() -> Annotated[pd.DataFrame, "frame"]:
    return pd.DataFrame({"petal": [1.4, 1.3, 4.7, 4.5], "species": ["setosa", "setosa", "virginica", "x"]})


@step
def picture() -> Annotated[np.ndarray, "picture"]:
    return np.zeros((16, 16, 3), np.uint8)


@step
def page() -> Annotated[HTMLString, "page"]:
    return HTMLString("<h1>Report</h1><script>alert(1)</script>")


@step
def notes() -> Annotated[MarkdownString, "notes"]:
    return MarkdownString("# Notes\\n\\nAccuracy is **0.97**.\\n\\n- svm\\n- knn\\n")


@step
def scores() -> Annotated[CSVString, "scores"]:
    return CSVString("model,accuracy\\nsvm,0.97\\nknn,0.95\\n")


@pipeline
def viz() -> None:
    frame(); picture(); page(); notes(); scores()


if __name__ == "__main__":
    viz()
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("viz-cli")
    (root / "viz.py").write_text(textwrap.dedent(SCRIPT).lstrip())
    call([sys.executable, "viz.py"], cwd=root, env=clean_env(), timeout=120)
    return root


def stackctl(root: Path, *args: str) -> Result:
    return call([STACKCTL, *args], cwd=root, env=clean_env())


def normalised(text: str, root: Path) -> str:
    text = text.replace(str(root), "<root>")
    text = re.sub(r"[0-9a-f]{2}/[0-9a-f]{64}", "<digest path>", text)
    text = re.sub(r"[0-9a-f]{64}", "<digest>", text)
    text = re.sub(r"run [0-9a-f]{8}", "run <run>", text)
    return re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d( UTC)?", "<time>", text)


def visualizations_part(text: str) -> str:
    return text[text.index("visualizations\n") :]


@pytest.mark.parametrize("name", ["frame", "picture", "page", "notes", "scores"])
def test_show_prints_the_text_forms(folder, name):
    shown = stackctl(folder, "artifacts", "show", name).out
    check_golden(GOLDEN / f"show_visualizations_{name}.txt", normalised(shown, folder))


def test_json_lists_each_visualization_with_its_digest(folder):
    data = stackctl(folder, "artifacts", "show", "frame", "--json").json()
    found = [(v["name"], v["media_type"], v["title"]) for v in data["visualizations"]]
    assert found == [
        ("head", "text/csv", "first 4 of 4 rows"),
        ("describe", "text/csv", "describe()"),
    ]
    assert all(len(v["digest"]) == 64 and v["size"] > 0 for v in data["visualizations"])


def test_no_preview_names_them_without_reading(folder):
    shown = visualizations_part(stackctl(folder, "artifacts", "show", "scores", "--no-preview").out)
    assert shown == "visualizations\n  table: CSV (text/csv, 33 B)\n"


def test_a_modified_visualization_is_reported_not_printed(folder, tmp_path):
    data = stackctl(folder, "artifacts", "show", "scores", "--json").json()
    path = Path(data["visualizations"][0]["uri"])
    original = path.read_bytes()
    try:
        path.write_text("model,accuracy\nforged,1.0\n")
        shown = normalised(
            visualizations_part(stackctl(folder, "artifacts", "show", "scores").out), folder
        )
    finally:
        path.write_bytes(original)
    assert "forged" not in shown
    assert "(cannot read it: artifact visualization table at <root>/.stackctl/artifacts/" in shown
    assert "was modified after it was written" in shown


def test_artifacts_get_prints_a_text_type_as_the_step_returned_it(folder):
    run = stackctl(folder, "runs", "list", "--json").json()[0]["id"]
    got = stackctl(folder, "artifacts", "get", run, "notes.notes").out
    assert got == "# Notes\n\nAccuracy is **0.97**.\n\n- svm\n- knn\n"
