"""Python pipelines as first-class citizens, and zero configuration outside a project:
`python run.py` in a bare folder, `stackctl run MODULE:FUNCTION`, YAML `source:`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import STACKCTL, Result, call, clean_env
from support.projects import SUMMING_SDK

SCRIPT = (
    SUMMING_SDK
    + """

def plain() -> None:
    pass


if __name__ == "__main__":
    run = summing()
    print(f"run {run.id} on stack {run.stack}: {run.status.value}")
"""
)

NOTE = "no stackctl.yaml here or above"


def _bare(tmp_path: Path) -> Path:
    folder = tmp_path / "bare"
    folder.mkdir()
    assert not any((p / "stackctl.yaml").exists() for p in (folder, *folder.parents))
    (folder / "run.py").write_text(SCRIPT)
    return folder


def _stackctl(cwd: Path, *args: str, code: int = 0) -> Result:
    return call([STACKCTL, *args], cwd=cwd, env=clean_env(), code=code)


def _python(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=clean_env(), capture_output=True, text=True
    )


def test_a_script_outside_a_project_runs_on_the_default_stack(tmp_path):
    folder = _bare(tmp_path)
    first = _python(folder, "run.py")
    assert first.returncode == 0, first.stderr
    assert first.stdout.endswith("on stack default: completed\n")
    assert first.stderr.count(NOTE) == 1 and "stackctl init" in first.stderr
    assert (folder / ".stackctl" / "state.db").is_file()
    assert (folder / ".stackctl" / "artifacts").is_dir()
    again = _python(folder, "run.py")
    assert again.returncode == 0 and NOTE not in again.stderr  # once, not every time
    listed = _stackctl(folder, "runs", "list")
    assert listed.out.count("summing") == 2 and NOTE not in listed.err
    # commands that need a project still say so
    plan = _stackctl(folder, "plan", code=1)
    assert "no stackctl.yaml" in plan.err and "stackctl init" in plan.err
    # `stackctl init` turns the folder into a project that keeps the runs
    _stackctl(folder, "init")
    assert _stackctl(folder, "runs", "list").out.count("summing") == 2


def test_the_first_command_outside_a_project_shows_the_note(tmp_path):
    folder = _bare(tmp_path)
    result = _stackctl(folder, "run", "run:summing", "-p", "n=4")
    assert result.err.count(NOTE) == 1
    run_id = result.out.splitlines()[-1].split()[1]
    assert _stackctl(folder, "artifacts", "get", run_id, "total.output").out == "6\n"
    assert NOTE not in _stackctl(folder, "runs", "list").err


def test_run_module_function_on_two_stacks_in_a_project(tmp_path):
    folder = _bare(tmp_path)
    _stackctl(folder, "init")
    _stackctl(folder, "apply", "--auto-approve")
    for stack in ("default", "parallel"):
        result = _stackctl(folder, "run", "run:summing", "--stack", stack, "--no-cache")
        assert result.out.strip().endswith(f"on stack {stack}: completed"), result.err
    rows = _stackctl(folder, "runs", "list", "--pipeline", "summing").out
    assert "default" in rows and "parallel" in rows


@pytest.mark.parametrize(
    ("ref", "message", "hint"),
    [
        ("nowhere:summing", "no module named 'nowhere'", "MODULE is a Python module path"),
        ("run:missing", "module 'run' has no 'missing'", "run:summing"),
        ("run:plain", "run:plain is not a @pipeline function", "decorate it with `@pipeline`"),
        ("run:numbers", "is not a @pipeline function", "its @pipeline functions: run:summing"),
    ],
)
def test_a_bad_module_function_is_one_located_error(tmp_path, ref, message, hint):
    folder = _bare(tmp_path)
    result = _stackctl(folder, "run", ref, code=1)
    lines = [line for line in result.err.splitlines() if NOTE not in line]
    assert len(lines) == 2, result.err
    assert message in lines[0] and ": error: " in lines[0]
    assert lines[1].startswith("  hint: ") and hint in lines[1]
    assert "Traceback" not in result.err


SOURCE_PIPELINES = """\
pipelines:
  summing_py:
    source: run:summing
    params: {n: 5}
"""


def test_source_pipelines_are_listed_graphed_and_run_without_an_apply(tmp_path):
    folder = _bare(tmp_path)
    _stackctl(folder, "init")
    (folder / "pipelines" / "python.yaml").write_text(SOURCE_PIPELINES)
    _stackctl(folder, "validate")
    listed = _stackctl(folder, "pipelines", "list").out
    assert "summing_py" in listed and "python (run:summing)" in listed and "hello" in listed
    as_json = json.loads(_stackctl(folder, "pipelines", "list", "--json").out)
    assert {r["name"]: r["kind"] for r in as_json} == {"hello": "yaml", "summing_py": "python"}
    dot = _stackctl(folder, "graph", "--pipeline", "summing_py").out
    assert "numbers" in dot and "total" in dot and "->" in dot
    plan = _stackctl(folder, "plan", "--json").json()
    # pipelines are not infrastructure: plan/apply manage stacks and components only,
    # and a run reads the pipeline as the YAML (and its source) says (docs/cli.md)
    assert not [c for c in plan["resource_changes"] if c["address"].startswith("pipeline.")]
    _stackctl(folder, "apply", "--auto-approve")
    again = _stackctl(folder, "plan", "--detailed-exitcode")  # stable: no change
    assert again.code == 0
    run_id = _stackctl(folder, "run", "summing_py").out.splitlines()[-1].split()[1]
    assert _stackctl(folder, "artifacts", "get", run_id, "total.output").out == "10\n"


def test_a_source_that_is_not_a_pipeline_is_a_located_config_error(tmp_path):
    folder = _bare(tmp_path)
    _stackctl(folder, "init")
    (folder / "pipelines" / "python.yaml").write_text("pipelines:\n  bad:\n    source: run:plain\n")
    result = _stackctl(folder, "validate", code=1)
    assert "pipelines/python.yaml:3:" in result.err
    assert "run:plain is not a @pipeline function" in result.err


def test_a_scripts_cache_hits_name_the_producer_by_its_short_id(tmp_path):
    folder = _bare(tmp_path)
    first = _python(folder, "run.py")
    assert first.returncode == 0, first.stderr
    first_id = first.stdout.split()[1]
    again = _python(folder, "run.py")
    assert again.returncode == 0, again.stderr
    hits = [line for line in again.stderr.splitlines() if " cached in " in line]
    assert hits and all(line.endswith(f"(from {first_id[:8]})") for line in hits), hits
    assert first_id not in again.stderr  # the short id, as `stackctl run` prints it


def test_a_level_the_user_set_on_the_stackctl_logger_is_kept(tmp_path):
    folder = _bare(tmp_path)
    quiet = "import logging\nlogging.getLogger('stackctl').setLevel(logging.WARNING)\n"
    (folder / "run.py").write_text(quiet + SCRIPT)
    done = _python(folder, "run.py")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("on stack default: completed\n")
    assert "[stackctl]" not in done.stderr  # no progress lines: the user asked for WARNING
