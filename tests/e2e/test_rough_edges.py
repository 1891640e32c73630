"""Rough edges a hostile-but-realistic user hits: each ends in a one-line error with the
fix and exit code 1 (never a traceback), and leaves nothing half-written behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from run_project_helpers import RunProject, make_run_project
from support.cli import STACKCTL, call, clean_env

HOSTILE_STEPS = """\
class Weird(BaseException):
    pass


def weird() -> int:
    raise Weird("not an Exception subclass")
"""

HOSTILE_PIPELINE = """\
pipelines:
  weird:
    steps:
      boom: {function: "steps.hostile:weird"}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> RunProject:
    project = make_run_project(tmp_path_factory.mktemp("rough") / "proj")
    (project.root / "steps" / "hostile.py").write_text(HOSTILE_STEPS)
    (project.root / "pipelines" / "hostile.yaml").write_text(HOSTILE_PIPELINE)
    return project


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and "unexpected error" not in err, err


@pytest.mark.parametrize("out", [".", ""])
def test_plan_out_to_a_path_with_no_file_name_is_a_plan_error(
    project: RunProject, out: str
) -> None:
    result = project.stackctl("plan", "--out", out, code=1)
    no_traceback(result.err)
    assert "cannot write plan file" in result.err and "--out" in result.err


def test_artifacts_get_to_an_unwritable_path_says_so(project: RunProject) -> None:
    run_id = project.run("tiny")
    (project.root / "a_dir").mkdir()
    for target in ("missing_dir/out.json", "a_dir", "."):
        result = project.stackctl("artifacts", "get", run_id, "total.output", "-o", target, code=1)
        no_traceback(result.err)
        assert f"cannot write {target}" in result.err and "-o" in result.err
    assert not list(project.root.glob("*.tmp")), "a temp file was left behind"


def test_a_step_raising_a_base_exception_fails_that_step(project: RunProject) -> None:
    result = project.stackctl("run", "weird", code=1)
    no_traceback(result.err)
    assert "step 'boom' failed: Weird: not an Exception subclass" in result.err
    shown = project.stackctl("runs", "list", "--pipeline", "weird", "--json").json()
    steps = project.steps(shown[0]["id"])
    assert steps["boom"]["status"] == "failed"


def test_an_active_stack_file_naming_a_removed_stack_says_where_and_how(
    project: RunProject,
) -> None:
    active = project.root / ".stackctl" / "active_stack"
    active.parent.mkdir(exist_ok=True)
    active.write_text("gone\n")
    try:
        result = project.stackctl("run", "tiny", code=1)
    finally:
        active.unlink()
    assert ".stackctl/active_stack" in result.err
    assert "stackctl stack set" in result.err


def test_run_with_a_malformed_param_names_the_param_flag(project: RunProject) -> None:
    result = project.stackctl("run", "tiny", "-p", "n", code=1)
    assert result.err.startswith("--param: error: 'n' is not NAME=VALUE")
    assert "--var" not in result.err


def test_an_unknown_var_is_not_offered_as_a_known_one(project: RunProject) -> None:
    stacks = project.root / "stacks" / "vars.yaml"
    stacks.write_text(
        "components:\n  artifact_store:\n"
        "    viavar: {flavor: local, config: {path: '${vars.store_dir}'}}\n"
    )
    try:
        result = project.stackctl("plan", "--var", "typo=1", code=1)
    finally:
        stacks.unlink()
    assert "unknown variable 'typo'" in result.err
    assert "known: typo" not in result.err, result.err


@pytest.mark.parametrize("folder", ["a" * 300, "/proc/stackctl-cannot-be-here"])
def test_init_into_a_folder_it_cannot_create_says_so(tmp_path: Path, folder: str) -> None:
    result = call([STACKCTL, "init", folder], cwd=tmp_path, env=clean_env(), code=1)
    no_traceback(result.err)
    assert result.err.startswith("error: cannot create the project in ")
    assert "stackctl init DIR" in result.err


def test_stack_set_to_an_empty_name_is_just_not_declared(project: RunProject) -> None:
    result = project.stackctl("stack", "set", "", code=1)
    assert result.err.startswith("error: stack '' is not declared"), result.err


def test_an_empty_stack_name_is_an_error_not_the_active_stack(tmp_path: Path) -> None:
    """`--stack ""` (an unset CI variable, say) must not silently pick the active stack."""
    call([STACKCTL, "init"], cwd=tmp_path, env=clean_env())
    for args in (("run", "hello", "--stack", ""), ("stack", "describe", "")):
        result = call([STACKCTL, *args], cwd=tmp_path, env=clean_env(), code=1)
        assert "stack '' is not declared" in result.err, (args, result.err)
