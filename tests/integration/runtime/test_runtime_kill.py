"""kill -9 in the middle of writing an artifact leaves nothing partial visible."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from support.cli import kill_9_once

from stackctl.model import RunStatus
from stackctl.state.sqlite import SqliteStateStore

STEPS = """
class Big:
    pass

def small() -> int:
    return 7

def big(x: int) -> Big:
    return Big()
"""

RUNNER = """
import sys, time
from pathlib import Path

root = Path(sys.argv[1])
package = sys.argv[2]
sys.path.insert(0, str(root))

from stackctl.model import ComponentSpec, InputRef, PipelineSpec, StackSpec, StepSpec
from stackctl.runtime import materializers
from stackctl.runtime.run import run_pipeline
from stackctl.runtime.stack import build_stack
from stackctl.state.sqlite import SqliteStateStore


class SlowMaterializer:
    name, version, extension, fallback = "slow", "1", "slow", False

    def handles(self, value):
        return type(value).__name__ == "Big"

    def write(self, value, fp):
        fp.write(b"x" * 1_000_000)
        # records trail the run by up to flusher.DELAY_S (write-behind: the loop's
        # thread writes `running` once the step has run that long); then we get killed
        time.sleep(0.5)
        (root / "writing").touch()  # the test kills us now
        time.sleep(60)
        fp.write(b"end")

    def load(self, store, uri):
        raise NotImplementedError


materializers.register(SlowMaterializer())
components = {
    "orchestrator": ComponentSpec("orchestrator", "local", "local"),
    "artifact_store": ComponentSpec("artifact_store", "local", "local", {"path": "artifacts"}),
}
stack = build_stack(StackSpec("dev", {"orchestrator": "local", "artifact_store": "local"}), components, root)
spec = PipelineSpec(
    "killed",
    (
        StepSpec("small", f"{package}.steps:small"),
        StepSpec("big", f"{package}.steps:big", {"x": InputRef("small", "output")}),
    ),
)
run_pipeline(spec, stack, SqliteStateStore(root / "state.db"), root=root)
"""


def test_kill_9_leaves_no_partial_artifact_and_the_run_unsuccessful(project):
    project.write("steps", STEPS)
    (project.root / "runner.py").write_text(RUNNER)
    process = subprocess.Popen(
        [sys.executable, str(project.root / "runner.py"), str(project.root), project.package]
    )
    kill_9_once(process, project.root / "writing", "the runner started writing")

    store = project.root / "artifacts"
    visible = [p for p in store.rglob("*") if p.is_file() and ".tmp" not in p.parts]
    assert visible and not [p for p in visible if p.suffix == ".slow"]
    for path in visible:  # everything published is complete: its bytes match its address
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.parent.name
    staged = list((store / ".tmp").iterdir())
    assert len(staged) == 1 and staged[0].suffix == ".part"

    state = SqliteStateStore(project.root / "state.db")
    try:
        [run] = state.runs()
        assert run.status is not RunStatus.COMPLETED
        steps = {s.step: s.status for s in state.steps(run.id)}
        assert steps == {"small": RunStatus.COMPLETED, "big": RunStatus.RUNNING}
    finally:
        state.close()
