"""Issue 13, artifacts: edited bytes are never served, cached or deserialised; -o never
clobbers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from run_project_helpers import make_run_project


@pytest.fixture
def proj(tmp_path: Path):
    project = make_run_project(tmp_path / "proj")
    return project, project.run("tiny")


def _object(project, run_id: str, ref: str) -> Path:
    listed = project.stackctl("artifacts", "list", run_id, "--json").json()
    (uri,) = [a["uri"] for a in listed if f"{a['step']}.{a['name']}" == ref]
    return Path(uri)


def test_a_same_size_edit_is_refused_by_get_and_rebuilt_by_the_cache(proj):
    project, first = proj
    path = _object(project, first, "scaled.output")
    assert path.read_text() == "[0,2,4]"
    path.write_text("[0,2,5]")  # same size: the old size check let it through
    r = project.stackctl("artifacts", "get", first, "scaled.output", code=1)
    assert "artifact scaled.output at " in r.err and str(path) in r.err
    assert "was modified after it was written" in r.err and "[0,2,5]" not in r.out
    second = project.run("tiny")
    steps = project.steps(second)
    assert {n: s["status"] for n, s in steps.items()} == {
        "numbers": "cached",
        "scaled": "completed",  # its edited output was a cache miss: rebuilt
        "total": "cached",
    }
    assert project.stackctl("artifacts", "get", second, "total.output").out == "6\n"


def test_get_o_refuses_existing_files_devices_and_folders(proj, tmp_path):
    project, first = proj
    mine = tmp_path / "mine.txt"
    mine.write_text("precious")
    r = project.stackctl("artifacts", "get", first, "scaled.output", "-o", str(mine), code=1)
    assert f"refusing to replace {mine}: it exists" in r.err and "--force" in r.err
    assert mine.read_text() == "precious"
    project.stackctl("artifacts", "get", first, "scaled.output", "-o", str(mine), "--force")
    assert json.loads(mine.read_text()) == [0, 2, 4]
    r = project.stackctl("artifacts", "get", first, "scaled.output", "-o", "/dev/null", code=1)
    assert "it is a device" in r.err
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = project.stackctl("artifacts", "get", first, "scaled.output", "-o", str(fifo), code=1)
    assert "named pipe" in r.err
    for name in ("-", "/dev/stdout"):
        out = project.stackctl("artifacts", "get", first, "scaled.output", "-o", name).out
        assert out == "[0,2,4]\n"
