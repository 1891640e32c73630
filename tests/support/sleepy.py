"""The `sleepy` pipeline the stop tests interrupt: two steps that sleep for minutes
(each touches ``started-<tag>`` once it really runs) and one that waits on the first,
and a starter that returns the CLI once the first step is running."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.background import spawn, wait_for

PIPELINE = """\
pipelines:
  sleepy:
    steps:
      first: {function: "steps.slow:nap", params: {tag: a}}
      second: {function: "steps.slow:nap", params: {tag: b}}
      after: {function: "steps.slow:done", inputs: {x: first.output}}
"""
STEPS = """\
import time
from pathlib import Path


def nap(tag: str) -> str:
    Path(f"started-{tag}").touch()  # the test signals once a step is really running
    time.sleep(120)
    return tag


def done(x: str) -> str:
    return x
"""


def start(project: Path, stack: str, within_s: float) -> subprocess.Popen[str]:
    """`stackctl run sleepy --stack STACK` in its own session, once step `first` runs
    (fails the test when it does not start within ``within_s``)."""
    proc = spawn(project, "run", "sleepy", "--stack", stack)
    wait_for(project / "started-a", proc, within_s, "the step never started")
    return proc
