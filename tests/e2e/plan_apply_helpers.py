"""A tmp project and a `stackctl` subprocess runner for the plan/apply e2e tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

STACKCTL = str(Path(sys.executable).with_name("stackctl"))
PLUGIN = str(Path(__file__).with_name("plugin"))

PROJECT = """\
project: e2e
include: [stacks/*.yaml]
vars:
  store: .stackctl/store-a
"""

STACKS = """\
# comments survive; nothing here is rewritten by plan/apply
components:
  orchestrator:
    local: {flavor: local}
    parallel: {flavor: local_parallel, config: {max_workers: 4}}
  artifact_store:
    local: {flavor: local, config: {path: "${vars.store}"}}
stacks:
  dev: {orchestrator: local, artifact_store: local}
  par: {orchestrator: parallel, artifact_store: local}
"""


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Project:
    root: Path
    env: dict[str, str]

    @property
    def stacks(self) -> Path:
        return self.root / "stacks" / "main.yaml"

    def edit(self, old: str, new: str) -> None:
        text = self.stacks.read_text()
        assert old in text, old
        self.stacks.write_text(text.replace(old, new))

    def run(self, *args: str, code: int | None = 0, timeout: float = 60, **env: str) -> Result:
        proc = subprocess.run(
            [STACKCTL, *args],
            cwd=self.root,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if code is not None:
            assert proc.returncode == code, (
                f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
            )
        return result

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [STACKCTL, *args],
            cwd=self.root,
            env={**self.env, **env},
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )


def make_project(root: Path, stacks: str = STACKS) -> Project:
    (root / "stacks").mkdir(parents=True)
    (root / "stackctl.yaml").write_text(PROJECT)
    (root / "stacks" / "main.yaml").write_text(stacks)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKCTL_")}
    env["PYTHONPATH"] = PLUGIN
    return Project(root, env)
