"""Read and run commands take the validated project from the per-checkout cache, as
`python run.py` does: the same answers as a full load, without its imports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import STACKCTL, Result, call, clean_env

HEAVY = ("jsonschema", "omegaconf", "ruamel")

FLOW = """\
from stackctl import pipeline, step


@step
def one() -> int:
    return 1


@step
def two(x: int) -> int:
    return x + 1


@pipeline
def flow() -> None:
    two(one())
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    _stackctl(root, "init")
    return root


def _env(root: Path) -> dict[str, str]:
    # the cache's HMAC key lives per user: one of this test's own
    return {**clean_env(), "XDG_CACHE_HOME": str(root.parent / "xdg")}


def _stackctl(root: Path, *args: str, code: int | None = 0) -> Result:
    return call([STACKCTL, *args], cwd=root, env=_env(root), code=code)


def _imported(root: Path, *args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", STACKCTL, *args],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }


def test_a_warm_cache_spares_the_config_libraries(project: Path) -> None:
    _stackctl(project, "run", "hello")  # loads the project whole and caches it
    for command in (["runs", "list"], ["stack", "list"], ["run", "hello"]):
        assert not set(HEAVY) & _imported(project, *command), command
    # validate always loads the project whole: it reports every problem it finds
    assert "jsonschema" in _imported(project, "validate")


def test_an_edit_is_seen_by_the_next_command(project: Path) -> None:
    assert "extra" not in _stackctl(project, "stack", "list").out
    stacks = project / "stacks" / "local.yaml"
    stacks.write_text(
        stacks.read_text() + "  extra:\n    orchestrator: local\n    artifact_store: local\n"
    )
    assert "extra" in _stackctl(project, "stack", "list").out


def test_a_broken_edit_fails_as_it_does_without_the_cache(project: Path) -> None:
    _stackctl(project, "runs", "list")
    stacks = project / "stacks" / "local.yaml"
    stacks.write_text(stacks.read_text().replace("orchestrator: local", "orchestrator: nowhere"))
    cached = _stackctl(project, "runs", "list", code=None)
    shutil.rmtree(project / ".stackctl" / "cache")
    whole = _stackctl(project, "runs", "list", code=None)
    assert cached.code == whole.code != 0
    assert cached.err == whole.err and "stacks/local.yaml:" in cached.err


def test_a_source_pipeline_is_compiled_from_its_python_file_as_it_is_now(
    project: Path,
) -> None:
    (project / "flow.py").write_text(FLOW)
    (project / "pipelines" / "flow.yaml").write_text("pipelines:\n  flow:\n    source: flow:flow\n")
    _stackctl(project, "run", "flow")
    # an edit of the Python file only: no file the cache's key covers changed
    (project / "flow.py").write_text(FLOW.replace("    two(one())", "    two(two(one()))"))
    run_id = _stackctl(project, "run", "flow", "--json").json()["id"]
    steps = _stackctl(project, "runs", "show", run_id, "--json").json()["steps"]
    assert [s["step"] for s in steps] == ["one", "two", "two_2"]
