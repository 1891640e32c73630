"""The real CLI started in the background, in its own session (like a terminal's
foreground job, so a test can signal its process group), and a wait for the file a step
touches once it really runs."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from support.cli import STACKCTL, clean_env


def spawn(project: Path, *args: str) -> subprocess.Popen[str]:
    """`stackctl ARGS` in ``project``, output piped, no stdin."""
    return subprocess.Popen(
        [STACKCTL, *args],
        cwd=project,
        env=clean_env(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )


def wait_for(path: Path, proc: subprocess.Popen[str], within_s: float, failure: str) -> None:
    """Until ``path`` exists; fails with ``failure`` after ``within_s``, or with the CLI's
    output when it ended first."""
    deadline = time.monotonic() + within_s
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, failure
        time.sleep(0.05)
