"""`stackctl run` as a user runs it: a subprocess in a tmp project of tiny steps."""

from __future__ import annotations

import pytest
from run_project_helpers import RunProject, content_matches_address, make_run_project
from support.cli import kill_9_once


@pytest.fixture
def project(tmp_path) -> RunProject:
    return make_run_project(tmp_path / "proj")


def test_run_prints_the_run_and_logs_each_step(project):
    result = project.stackctl("run", "tiny")
    *summary, line = result.out.splitlines()
    # the summary table: a row per step with its output's preview
    assert summary[0].split() == ["STEP", "STATUS", "DURATION", "CACHED", "OUTPUTS"]
    assert summary[-1].split()[::3] == ["total", "output=6"]
    assert line.startswith("run ") and line.endswith(" on stack default: completed")
    run_id = line.split()[1]
    # without a TTY, progress is one log line per step change, naming run, stack, step
    assert f"[run {run_id[:8]} | stack default | step total] completed" in result.err
    assert project.stackctl("artifacts", "get", run_id, "total.output").out == "6\n"


def test_param_override_changes_the_result(project):
    run_id = project.run("tiny", "-p", "n=4", "-p", "factor=10")
    assert project.stackctl("artifacts", "get", run_id, "total.output").out == "60\n"


def test_an_undeclared_param_is_one_line_naming_it(project):
    result = project.stackctl("run", "tiny", "-p", "colour=red", code=1)
    first = result.err.splitlines()[0]
    assert "'colour'" in first and "tiny" in first
    assert "declared parameters: factor, n" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["nope"], "pipeline 'nope' is not declared", "broken"),
        (["tiny", "--stack", "nope"], "stack 'nope' is not declared", "stack"),
        (["tiny", "--stack", "dev"], "stack 'dev' is declared but not applied", "stackctl apply"),
    ],
    ids=["unknown-pipeline", "unknown-stack", "not-applied-stack"],
)
def test_bad_names_exit_1_with_a_hint(project, args, message, hint):
    result = project.stackctl("run", *args, code=1)
    assert message in result.err
    assert "hint:" in result.err and hint in result.err.split("hint:", 1)[1]
    assert "Traceback" not in result.err
    assert project.stackctl("runs", "list", "--json").json() == []  # nothing ran


def test_no_cache_runs_every_step_again(project):
    project.run("tiny")
    cached = project.steps(project.run("tiny"))
    assert {s["status"] for s in cached.values()} == {"cached"}
    fresh = project.steps(project.run("tiny", "--no-cache"))
    assert {s["status"] for s in fresh.values()} == {"completed"}


def test_a_failing_step_is_one_line_and_its_traceback_is_in_the_log(project):
    result = project.stackctl("run", "broken", code=1)
    assert "step 'explode' failed: ValueError: kaboom in explode" in result.err
    assert "Traceback" not in result.err
    [run] = project.stackctl("runs", "list", "--json").json()
    assert run["status"] == "failed"
    steps = project.steps(run["id"])
    assert {name: s["status"] for name, s in steps.items()} == {
        "numbers": "completed",
        "explode": "failed",
        "after": "skipped",  # depends on the failed step
        "sibling": "completed",  # an independent branch still finishes
    }
    log = project.stackctl("runs", "logs", run["id"], "explode").out
    assert "Traceback" in log and "about to explode" in log and "kaboom in explode" in log


def test_python_run_py_and_stackctl_run_write_identical_artifacts(project):
    cli = project.digests(project.run("tiny"))
    result = project.python("run.py")
    sdk_id = result.out.split()[2]
    assert result.out.strip().endswith("completed")
    assert "[stackctl] run" in result.err  # the SDK logs like the CLI: run, stack, step
    assert project.digests(sdk_id) == cli
    assert len(cli) == 3


def test_kill_9_mid_step_leaves_an_interrupted_run_and_nothing_partial(project):
    process = project.start("run", "slow")
    kill_9_once(process, project.root / "napping", "the step started")
    [run] = project.stackctl("runs", "list", "--json").json()
    assert run["status"] == "interrupted"
    steps = project.steps(run["id"])
    assert steps["numbers"]["status"] == "completed"
    assert steps["nap"]["status"] == "interrupted"  # in flight when it was killed
    assert list(project.digests(run["id"])) == ["numbers.output"]
    published = project.published()
    assert published and all(content_matches_address(p) for p in published)
