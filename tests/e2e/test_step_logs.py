"""Step logs are written as the step prints, at a place known when it starts:
`runs logs --follow` tails a running step and ends by itself, and a step stopped by
Ctrl-C or `kill -9` keeps what it printed (local, local_parallel, dask)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from support.background import spawn, wait_for
from support.cli import STACKCTL, call, clean_env
from support.projects import three_orchestrator_stacks

STACKS = three_orchestrator_stacks(pool_workers=2, pool_stack="pool")
PIPELINES = """\
pipelines:
  ticking:
    params: {n: 6}
    steps:
      hello: {function: "steps.tick:hello"}
      tick: {function: "steps.tick:tick", inputs: {x: hello.output}, params: {n: "${params.n}"}}
"""
STEPS = """\
import time
from pathlib import Path


def hello() -> int:
    print("hello first")
    return 1


def tick(x: int, n: int) -> int:
    for i in range(n):
        print(f"tick {i}", flush=True)
        Path(f"ticked-{i}").touch()  # the test knows what the step printed so far
        time.sleep(0.5)
    return x
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {
        "stackctl.yaml": "project: e2e-logs\ninclude: [stacks/*.yaml, pipelines/*.yaml]\n",
        "stacks/local.yaml": STACKS,
        "pipelines/ticking.yaml": PIPELINES,
        "steps/__init__.py": "",
        "steps/tick.py": STEPS,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    call([STACKCTL, "apply", "--auto-approve"], cwd=tmp_path, env=clean_env())
    return tmp_path


def _wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    wait_for(path, proc, 60, f"never saw {path.name}")


def _run_id(project: Path) -> str:
    runs = call([STACKCTL, "runs", "list", "--json"], cwd=project, env=clean_env()).json()
    return str(runs[0]["id"])


@pytest.mark.parametrize("stack", ["dev", "pool"])
def test_follow_shows_lines_of_a_running_step_and_ends_with_it(project: Path, stack: str) -> None:
    run = spawn(project, "run", "ticking", "--stack", stack, "-p", "n=16", "--quiet")
    _wait_for(project / "ticked-0", run)
    run_id = _run_id(project)
    follow = spawn(project, "runs", "logs", run_id[:8], "tick", "--follow")
    assert follow.stdout is not None
    seen: list[str] = []
    for line in follow.stdout:  # the first tick arrives while the step still runs
        seen.append(line.rstrip("\n"))
        if line.startswith("tick 1"):
            break
    assert not (project / "ticked-15").exists(), "the step had already ended"
    assert run.poll() is None
    seen += follow.stdout.read().splitlines()
    follow.wait(timeout=30)  # ends by itself once the step is done
    assert follow.returncode == 0, follow.stderr.read() if follow.stderr else ""
    assert run.wait(timeout=60) == 0
    assert seen[0] == f"run {run_id} stack {stack} step tick"
    assert seen[1:] == [f"tick {i}" for i in range(16)]


def test_follow_of_every_step_prefixes_lines_and_ends_with_the_run(project: Path) -> None:
    run = spawn(project, "run", "ticking", "--stack", "dev", "-p", "n=3", "--quiet")
    _wait_for(project / "ticked-0", run)
    follow = spawn(project, "runs", "logs", _run_id(project), "-f")
    out, err = follow.communicate(timeout=60)
    assert follow.returncode == 0, err
    assert run.wait(timeout=60) == 0
    lines = out.splitlines()
    assert "hello | hello first" in lines
    assert [line for line in lines if line.startswith("tick | tick")] == [
        f"tick | tick {i}" for i in range(3)
    ]


def test_ctrl_c_ends_a_follow_quietly(project: Path) -> None:
    run = spawn(project, "run", "ticking", "--stack", "dev", "-p", "n=40", "--quiet")
    try:
        _wait_for(project / "ticked-0", run)
        follow = spawn(project, "runs", "logs", _run_id(project), "tick", "-f")
        assert follow.stdout is not None
        assert follow.stdout.readline().startswith("run ")
        os.killpg(follow.pid, signal.SIGINT)
        _, err = follow.communicate(timeout=30)
        assert (follow.returncode, err) == (130, "")
    finally:
        os.killpg(run.pid, signal.SIGINT)
        run.communicate(timeout=30)


@pytest.mark.parametrize("stack", ["dev", "pool", "cluster"])
@pytest.mark.parametrize("how", ["ctrl-c", "kill-9"])
def test_a_stopped_step_keeps_what_it_printed(project: Path, stack: str, how: str) -> None:
    run = spawn(project, "run", "ticking", "--stack", stack, "-p", "n=40", "--quiet")
    _wait_for(project / "ticked-2", run)
    run_id = _run_id(project)
    # recorded when the step started: a follower finds the log before the step ends
    shown = call([STACKCTL, "runs", "show", run_id, "--json"], cwd=project, env=clean_env())
    assert shown.json()["status"] == "running"
    if how == "ctrl-c":
        os.killpg(run.pid, signal.SIGINT)
        assert run.wait(timeout=30) == 130
    else:
        os.killpg(run.pid, signal.SIGKILL)  # the CLI and its workers, all at once
        run.wait(timeout=30)
    logs = call([STACKCTL, "runs", "logs", run_id, "tick"], cwd=project, env=clean_env())
    lines = logs.out.splitlines()
    status = "cancelled" if how == "ctrl-c" else "interrupted"  # its owner died
    assert lines[0] == f"==> run {run_id[:8]} | stack {stack} | step tick ({status}) <=="
    assert lines[1] == f"run {run_id} stack {stack} step tick"
    assert lines[2:5] == ["tick 0", "tick 1", "tick 2"]
    # and a follow of a stopped step ends at once instead of waiting forever
    follow = call(
        [STACKCTL, "runs", "logs", run_id, "tick", "--follow"],
        cwd=project,
        env=clean_env(),
        timeout=20,
    )
    assert follow.out.splitlines()[1:4] == ["tick 0", "tick 1", "tick 2"]
