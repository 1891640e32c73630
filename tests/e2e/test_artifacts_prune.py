"""`stackctl artifacts prune` and `stackctl runs delete` as a user types them: what they
print (goldens), the refusals, and a prune killed with SIGKILL at several points."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from run_project_helpers import RunProject, make_run_project
from support.golden import check_golden
from support.run_records import every_record_loads, record_run
from support.stores import open_store

from stackctl.components.artifact_stores.local import LocalArtifactStore

GOLDEN = Path(__file__).parents[1] / "data" / "cli" / "prune"

MODEL_PIPELINE = """\
  modelled:
    model: clf
    steps:
      numbers: {function: "steps.tiny:numbers", params: {n: 7}}
"""


def _ids(text: str) -> str:
    return re.sub(r"\b[0-9a-f]{8,32}\b", "<id>", text)


@pytest.fixture
def project(tmp_path: Path) -> RunProject:
    made = make_run_project(tmp_path / "proj")
    pipelines = made.root / "pipelines" / "main.yaml"
    pipelines.write_text(pipelines.read_text() + MODEL_PIPELINE)
    return made


def test_prune_keeps_the_newest_and_prints_what_it_frees(project: RunProject) -> None:
    for n in (1, 2, 3):
        project.run("tiny", "-p", f"n={n}")
    before = project.published()

    dry = project.stackctl("artifacts", "prune", "--keep-last", "1", "--grace", "0s", "--dry-run")
    assert len(project.stackctl("runs", "list", "--json").json()) == 3
    young = project.stackctl("artifacts", "prune", "--keep-last", "1")  # records go, objects wait
    assert project.published() == before
    assert len(project.stackctl("runs", "list", "--json").json()) == 1
    pruned = project.stackctl("artifacts", "prune", "--grace", "0s", "-v")
    again = project.stackctl("artifacts", "prune", "--grace", "0s")
    check_golden(
        GOLDEN / "prune.txt",
        "\n---\n".join([dry.out, young.out + young.err, _ids(pruned.out), again.out]),
    )
    assert project.stackctl("artifacts", "get", "latest", "total.output").out.strip() == "6"


def test_runs_delete_and_its_refusals(project: RunProject) -> None:
    first = project.run("tiny", "-p", "n=4")
    project.run("tiny", "-p", "n=5")
    modelled = project.run("modelled")
    unknown = project.stackctl("runs", "delete", "nope", code=1)
    bad = project.stackctl("artifacts", "prune", "--older-than", "3 days", code=1)
    linked = project.stackctl("runs", "delete", modelled[:8], code=1)
    deleted = project.stackctl("runs", "delete", first, "--artifacts")
    forced = project.stackctl("runs", "delete", modelled, "--force")

    sleeper = project.start("run", "slow")
    try:
        marker = Path(project.env["NAP_MARKER"])
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline and sleeper.poll() is None
            time.sleep(0.05)
        running = project.stackctl("runs", "delete", "latest", code=1)
    finally:
        sleeper.send_signal(signal.SIGINT)
        sleeper.wait(30)
    check_golden(
        GOLDEN / "delete.txt",
        "\n---\n".join(
            _ids(r.out + r.err) for r in (unknown, bad, linked, deleted, forced, running)
        ),
    )


def test_a_prune_killed_at_any_point_loses_no_referenced_object(project: RunProject) -> None:
    root = project.root
    store = LocalArtifactStore("local", {"path": ".stackctl/store"}, root)
    staging = store.path / ".tmp"
    old = time.time() - 7200
    # None: a kill early in start-up; a number: that long after the sweep moved its
    # first object aside (mid-sweep, with records already gone)
    for batch, extra in enumerate((None, 0.0, 0.005, 0.02, 0.05)):
        state = open_store(str(root / ".stackctl" / "state.db"))
        for i in range(150):
            outputs = {f"o{j}": f"{batch}-{i}-{j}".encode() for j in range(4)}
            outputs["shared"] = f"shared-{i % 7}".encode()
            record_run(state, store, outputs, pipeline=f"p{i % 3}", age_s=7200 - i, log=True)
        state.close()
        for path in store.path.rglob("*"):  # every object old enough to go
            os.utime(path, (old, old))
        earlier = set(_names(staging))  # objects a killed sweep left aside
        proc = subprocess.Popen(
            _argv(), cwd=root, env=project.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        _kill_when(proc, lambda: any("-prune-" in n for n in set(_names(staging)) - earlier), extra)
        state = open_store(str(root / ".stackctl" / "state.db"))
        try:
            every_record_loads(state, store)
        finally:
            state.close()
    finished = project.stackctl("artifacts", "prune", "--keep-last", "2", "--grace", "0s")
    assert finished.out.startswith("Pruned ")
    state = open_store(str(root / ".stackctl" / "state.db"))
    try:
        assert every_record_loads(state, store) == 6 * 5  # two runs per pipeline, 5 outputs
        assert len(state.runs(limit=1000)) == 2 * 3  # p0, p1, p2
    finally:
        state.close()
    left = {p.name for p in store.path.rglob("*.bin")}
    assert left <= {f"{n}.bin" for n in ("o0", "o1", "o2", "o3", "shared")}


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except FileNotFoundError:
        return []


def _kill_when(
    proc: subprocess.Popen[bytes], moved: Callable[[], bool], extra: float | None
) -> None:
    """SIGKILL ``proc`` early (``extra`` None) or ``extra`` s after ``moved()`` holds."""
    try:
        if extra is None:
            time.sleep(0.05)
        else:
            deadline = time.monotonic() + 60
            while not moved():
                assert proc.poll() is None, "the prune ended before its sweep was seen"
                assert time.monotonic() < deadline
            time.sleep(extra)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()


def _argv() -> list[str]:
    from support.cli import STACKCTL

    return [STACKCTL, "artifacts", "prune", "--keep-last", "2", "--grace", "0s"]
