"""The ray orchestrator through the real CLI, in its per-run local instance mode: the iris
pipeline gives the digests of `local`, `runs show` says where each step ran, and
Ctrl-C / SIGTERM exit within 2 s leaving no ray process behind.

Ray processes are found by the temporary folder of the instance (``stackctl-ray-*``,
in their command lines) and everything they started (workers rename themselves).
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from support import sleepy
from support.background import spawn
from support.cli import STACKCTL, call, clean_env
from support.projects import write_files
from support.services import free_port, ray_processes

REPO = Path(__file__).resolve().parents[2]
MARKER = "stackctl-ray-"  # ray_cluster.py's temp dir prefix
BOUND_S = 2.0  # issue 10's contract; measured 0.7-1.3 s (once 2.1 s at load 4 on 2 cores)

STACKS = """\
components:
  orchestrator:
    local: {flavor: local}
    ray: {flavor: ray, config: {address: null, num_cpus: 2}}
  artifact_store:
    local: {flavor: local, config: {path: .stackctl/store}}
stacks:
  dev: {orchestrator: local, artifact_store: local}
  ray: {orchestrator: ray, artifact_store: local}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "pipelines", tmp_path / "pipelines")
    files = {
        "stackctl.yaml": "project: ray-e2e\ninclude: [stacks/*.yaml, pipelines/*.yaml]\n",
        "stacks/local.yaml": STACKS,
        "pipelines/sleepy.yaml": sleepy.PIPELINE,
        "steps/__init__.py": "",
        "steps/slow.py": sleepy.STEPS,
    }
    write_files(tmp_path, files)
    call([STACKCTL, "apply", "--auto-approve"], cwd=tmp_path, env=clean_env())
    return tmp_path


def _digests(project: Path, run_id: str) -> dict[str, str]:
    listed = call([STACKCTL, "artifacts", "list", run_id, "--json"], cwd=project, env=clean_env())
    return {f"{a['step']}.{a['name']}": a["digest"] for a in listed.json()}


def _last_run(project: Path) -> dict[str, object]:
    runs = call([STACKCTL, "runs", "list", "--json"], cwd=project, env=clean_env()).json()
    shown = call([STACKCTL, "runs", "show", runs[0]["id"], "--json"], cwd=project, env=clean_env())
    return dict(shown.json())


def test_iris_on_a_per_run_ray_instance_matches_local(project: Path) -> None:
    before = set(ray_processes(MARKER))
    token = Path.home() / ".ray" / "auth_token"
    had_token = token.exists()
    env = clean_env()
    call([STACKCTL, "run", "training", "--stack", "dev"], cwd=project, env=env)
    local = _last_run(project)
    done = call([STACKCTL, "run", "training", "--stack", "ray", "--no-cache"], cwd=project, env=env)
    assert "evaluate | accuracy:" in done.err + done.out  # a ray worker's print, live
    on_ray = _last_run(project)
    assert on_ray["status"] == "completed"
    assert _digests(project, str(on_ray["id"])) == _digests(project, str(local["id"]))
    where = on_ray["extra"]["ran_on"]  # type: ignore[index]
    assert sorted(where) == ["evaluate", "load", "split", "train"]
    shown = call([STACKCTL, "runs", "show", str(on_ray["id"])], cwd=project, env=env)
    pid = where["train"]["pid"]
    assert f"ran on   ray {where['train']['address']} pid {pid} (step train)" in shown.out
    assert set(ray_processes(MARKER)) <= before  # the instance went with the run
    assert token.exists() == had_token  # nothing written outside the project


@pytest.mark.parametrize(("how", "code"), [("sigint-group", 130), ("sigterm", 143)])
def test_stopping_a_ray_run_is_fast_and_leaves_no_ray_process(
    project: Path, how: str, code: int
) -> None:
    before = set(ray_processes(MARKER))
    proc = sleepy.start(project, "ray", within_s=90)
    time.sleep(0.3)
    clock = time.monotonic()
    if how == "sigint-group":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    elapsed = time.monotonic() - clock
    assert proc.returncode == code, err
    assert elapsed < BOUND_S, elapsed
    assert "Traceback" not in err and "SIGTERM received" not in err, err
    assert err.splitlines()[-1].endswith(": cancelled" + (" (SIGTERM)" if code == 143 else ""))
    deadline = time.monotonic() + 5  # reaped processes may linger a moment as zombies
    while set(ray_processes(MARKER)) - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert set(ray_processes(MARKER)) - before == set()
    shown = _last_run(project)
    assert shown["status"] == "cancelled"


@pytest.mark.parametrize(("how", "code"), [("sigint-group", 130), ("sigterm", 143)])
def test_stopping_while_the_ray_instance_starts_leaves_no_ray_process(
    project: Path, how: str, code: int
) -> None:
    before = set(ray_processes(MARKER))
    proc = spawn(project, "run", "sleepy", "--stack", "ray")
    # the signal as soon as the instance's first process exists: ray.init is still starting
    deadline = time.monotonic() + 90
    while not set(ray_processes(MARKER)) - before:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no ray process started"
        time.sleep(0.05)
    assert not (project / "started-a").exists()  # no step ran yet
    if how == "sigint-group":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "SIGTERM received" not in err, err
    assert err.splitlines()[-1].endswith(": cancelled" + (" (SIGTERM)" if code == 143 else ""))
    deadline = time.monotonic() + 2  # issue 10: no ray process outlives the CLI
    while set(ray_processes(MARKER)) - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert set(ray_processes(MARKER)) - before == set()
    assert _last_run(project)["status"] == "cancelled"


def test_a_ray_step_operator_is_registered_applied_and_used(
    project: Path, ray_address: str
) -> None:
    env = clean_env()
    call(
        [STACKCTL, "step-operator", "register", "big", "-f", "ray", "--address", ray_address],
        cwd=project,
        env=env,
    )
    call([STACKCTL, "stack", "update", "dev", "-s", "big"], cwd=project, env=env)
    described = call([STACKCTL, "step-operator", "describe", "big"], cwd=project, env=env)
    assert f"address: {ray_address}" in described.out and "dev" in described.out
    call([STACKCTL, "apply", "--auto-approve"], cwd=project, env=env)  # the cluster answers
    pipelines = (project / "pipelines" / "training.yaml").read_text()
    moved = pipelines.replace(
        "        retries: 2\n", "        retries: 2\n        step_operator: big\n", 1
    )
    assert moved != pipelines
    (project / "pipelines" / "training.yaml").write_text(moved)
    call([STACKCTL, "run", "training", "--stack", "dev", "--no-cache"], cwd=project, env=env)
    where = _last_run(project)["extra"]["ran_on"]  # type: ignore[index]
    assert list(where) == ["train"] and where["train"]["executor"] == "ray"
    # a cluster that is gone: apply refuses, naming it
    dead = f"127.0.0.1:{free_port()}"
    call([STACKCTL, "step-operator", "update", "big", "--address", dead], cwd=project, env=env)
    failed = call([STACKCTL, "apply", "--auto-approve"], cwd=project, env=env, code=1)
    assert f"the ray cluster at {dead} did not answer" in failed.err
