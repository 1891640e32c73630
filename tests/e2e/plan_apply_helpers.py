"""A tmp project and a `stackctl` subprocess runner for the plan/apply e2e tests."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from support.cli import STACKCTL, Result, call, clean_env, start

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
        return call(
            [STACKCTL, *args], cwd=self.root, env={**self.env, **env}, code=code, timeout=timeout
        )

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return start([STACKCTL, *args], cwd=self.root, env={**self.env, **env})


def make_project(root: Path, stacks: str = STACKS) -> Project:
    (root / "stacks").mkdir(parents=True)
    (root / "stackctl.yaml").write_text(PROJECT)
    (root / "stacks" / "main.yaml").write_text(stacks)
    return Project(root, {**clean_env(), "PYTHONPATH": PLUGIN})
