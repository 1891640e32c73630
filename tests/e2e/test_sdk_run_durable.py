"""`python run.py` in a folder just made by `stackctl init`: when the process has exited,
every step run is in state and every output is a file in the artifact store that loads."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.model import RunStatus
from stackctl.runtime.client import load_artifact
from stackctl.state.sqlite import SqliteStateStore
from tests.support.cli import call, clean_env

STACKCTL = str(Path(sys.executable).with_name("stackctl"))
STEPS = 100

RUN = f"""\
from stackctl import pipeline, step


@step
def first(salt: int) -> int:
    return salt


@step
def inc(x: int) -> int:
    return x + 1


@pipeline
def chain(salt: int = 0) -> None:
    x = first(salt=salt)
    for _ in range({STEPS - 1}):
        x = inc(x)


run = chain.with_options(params={{"salt": 1000}})()
assert run.status.value == "completed", run.status
print(run.id)
"""


def test_every_step_and_artifact_is_on_disk_when_the_script_exits(tmp_path: Path) -> None:
    env = {**clean_env(), "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    call([STACKCTL, "init"], cwd=tmp_path, env=env)
    (tmp_path / "run.py").write_text(RUN)
    # the first run fills the config cache and executes every step; the second reads
    # the config cache and takes every step from the step cache
    for expected in (RunStatus.COMPLETED, RunStatus.CACHED):
        result = call([sys.executable, "run.py"], cwd=tmp_path, env=env, timeout=120)
        run_id = result.out.strip().splitlines()[-1]
        # a fresh process, as the next command would be: nothing of the run's lives on
        state = SqliteStateStore(tmp_path / ".stackctl" / "state.db", read_only=True)
        try:
            assert state.run(run_id).status is RunStatus.COMPLETED
            steps = state.steps(run_id)
            assert len(steps) == STEPS
            assert [s.status for s in steps] == [expected] * STEPS
            artifacts = {a.step: a for a in state.artifacts(run_id)}
            assert len(artifacts) == STEPS
            store = LocalArtifactStore("local", {"path": ".stackctl/artifacts"}, tmp_path)
            names = ["first", "inc"] + [f"inc_{k}" for k in range(2, STEPS)]
            for i, name in enumerate(names):
                assert load_artifact(state, store, run_id, name) == 1000 + i
        finally:
            state.close()
    with sqlite3.connect(tmp_path / ".stackctl" / "state.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
