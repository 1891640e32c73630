"""A tmp project of tiny pure-Python steps, and a `stackctl` subprocess runner, for the
`stackctl run` / `runs` / `artifacts` e2e tests."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.cli import STACKCTL, Result, call, clean_env, start
from support.projects import local_stacks

PROJECT = """\
project: e2e-run
include: [stacks/*.yaml, pipelines/*.yaml]
"""

STACKS = local_stacks()

PIPELINES = """\
pipelines:
  tiny:
    params: {n: 3, factor: 2}
    steps:
      numbers: {function: "steps.tiny:numbers", params: {n: "${params.n}"}}
      scaled:
        function: "steps.tiny:scaled"
        inputs: {xs: numbers.output}
        params: {factor: "${params.factor}"}
      total: {function: "steps.tiny:total", inputs: {xs: scaled.output}}
  broken:
    steps:
      numbers: {function: "steps.tiny:numbers", params: {n: 2}}
      explode: {function: "steps.tiny:explode", inputs: {xs: numbers.output}}
      after: {function: "steps.tiny:total", inputs: {xs: explode.output}}
      sibling: {function: "steps.tiny:total", inputs: {xs: numbers.output}}
  slow:
    steps:
      numbers: {function: "steps.tiny:numbers", params: {n: 2}}
      nap: {function: "steps.tiny:nap", inputs: {xs: numbers.output}}
"""

STEPS = """\
import os
import time
from pathlib import Path


def numbers(n: int) -> list[int]:
    print(f"making {n} numbers")
    return list(range(n))


def scaled(xs: list[int], factor: int) -> list[int]:
    return [x * factor for x in xs]


def total(xs: list[int]) -> int:
    return sum(xs)


def explode(xs: list[int]) -> list[int]:
    print("about to explode")
    raise ValueError("kaboom in explode")


def nap(xs: list[int]) -> bytes:
    # the run loop's records trail it by up to runtime.flusher.DELAY_S: by the time a
    # test acts on the marker, state shows this step running
    time.sleep(0.3)
    Path(os.environ["NAP_MARKER"]).touch()
    time.sleep(60)
    return b"never"
"""

# The same pipeline as `tiny`, through the SDK (`python run.py`); no cache, so its
# artifacts are written again rather than linked from an earlier run.
RUN_SCRIPT = """\
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stackctl import pipeline, step

from steps import tiny

numbers, scaled, total = step(tiny.numbers), step(tiny.scaled), step(tiny.total)


@pipeline(name="tiny_sdk")
def tiny_sdk(n: int = 3, factor: int = 2) -> None:
    total(scaled(numbers(n=n), factor=factor))


if __name__ == "__main__":
    run = tiny_sdk.with_options(cache=False)()
    print(f"sdk run {run.id} {run.status.value}")
"""


@dataclass
class RunProject:
    root: Path
    env: dict[str, str]

    def stackctl(self, *args: str, code: int | None = 0, timeout: float = 60) -> Result:
        return call([STACKCTL, *args], cwd=self.root, env=self.env, code=code, timeout=timeout)

    def python(self, *args: str, code: int | None = 0, timeout: float = 60) -> Result:
        return call(
            [sys.executable, *args], cwd=self.root, env=self.env, code=code, timeout=timeout
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return start([STACKCTL, *args], cwd=self.root, env=self.env, output=subprocess.DEVNULL)

    def run(self, pipeline: str, *args: str) -> str:
        """`stackctl run` that must succeed; the new run's id."""
        return str(self.stackctl("run", pipeline, "--json", *args).json()["id"])

    def steps(self, run_id: str) -> dict[str, dict[str, Any]]:
        shown = self.stackctl("runs", "show", run_id, "--json").json()
        return {s["step"]: s for s in shown["steps"]}

    def digests(self, run_id: str) -> dict[str, str]:
        listed = self.stackctl("artifacts", "list", run_id, "--json").json()
        return {f"{a['step']}.{a['name']}": a["digest"] for a in listed}

    def edit_steps(self, old: str, new: str) -> None:
        path = self.root / "steps" / "tiny.py"
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new))

    @property
    def store(self) -> Path:
        return self.root / ".stackctl" / "artifacts"  # the default stack's store

    def published(self) -> list[Path]:
        """Every object visible in the artifact store (staged temp files excluded, and
        step logs: written in place under logs/, not content addressed)."""
        return [
            p
            for p in self.store.rglob("*")
            if p.is_file()
            and ".tmp" not in p.parts
            and p.relative_to(self.store).parts[0] != "logs"
        ]


def content_matches_address(path: Path) -> bool:
    """An object is complete when its bytes hash to the digest in its path."""
    return hashlib.sha256(path.read_bytes()).hexdigest() == path.parent.name


def make_run_project(root: Path) -> RunProject:
    (root / "stacks").mkdir(parents=True)
    (root / "pipelines").mkdir()
    (root / "steps").mkdir()
    (root / "stackctl.yaml").write_text(PROJECT)
    (root / "stacks" / "main.yaml").write_text(STACKS)
    (root / "pipelines" / "main.yaml").write_text(PIPELINES)
    (root / "steps" / "__init__.py").write_text("")
    (root / "steps" / "tiny.py").write_text(STEPS)
    (root / "run.py").write_text(RUN_SCRIPT)
    env = clean_env()
    env.update({"NO_COLOR": "1", "COLUMNS": "200", "NAP_MARKER": str(root / "napping")})
    return RunProject(root, env)
