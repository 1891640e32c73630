"""The real ``stackctl`` executable as a subprocess: run it, start it, answer its prompt."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STACKCTL = str(Path(sys.executable).with_name("stackctl"))


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def clean_env(*drop: str) -> dict[str, str]:
    """This process's environment without ``STACKCTL_*`` (and any ``drop`` prefixes), so
    the developer's own settings never reach the command under test."""
    prefixes = ("STACKCTL_", *drop)
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def call(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    code: int | None = 0,
    timeout: float = 60,
) -> Result:
    """Run ``argv`` to the end (stdin closed); assert its exit code unless ``code`` is None."""
    proc = subprocess.run(
        list(argv),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if code is not None:
        assert proc.returncode == code, (
            f"{list(argv[1:])}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def start(
    argv: Sequence[str], *, cwd: Path, env: dict[str, str], output: int = subprocess.PIPE
) -> subprocess.Popen[str]:
    """Start ``argv`` in the background (stdin closed; output piped, or ``DEVNULL``)."""
    return subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=env,
        text=True,
        stdout=output,
        stderr=output,
        stdin=subprocess.DEVNULL,
    )


def on_terminal(
    argv: Sequence[str], answer: str, *, cwd: Path, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` with a pseudo-terminal as stdin (so it asks) that types ``answer``."""
    controller, terminal = os.openpty()
    try:
        os.write(controller, answer.encode())
        return subprocess.run(
            list(argv),
            cwd=cwd,
            env=env,
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    finally:
        os.close(controller)
        os.close(terminal)


def kill_9_once(process: subprocess.Popen[Any], marker: Path, what: str) -> None:
    """SIGKILL ``process`` as soon as ``marker`` exists (``what`` it means, for failures)."""
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert process.poll() is None, f"the process exited before {what}"
            assert time.monotonic() < deadline, f"30 s and still not: {what}"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()


def run_at_home(
    cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`stackctl ARGS` as a user with ``cwd`` as their home: no STACKCTL_* (nor shell
    completion's _STACKCTL_*) of the developer, the venv's bin first on PATH, no colour."""
    base = clean_env("_STACKCTL")
    bin_dir = Path(STACKCTL).parent
    base.update(PATH=f"{bin_dir}{os.pathsep}{base.get('PATH', '')}", NO_COLOR="1", HOME=str(cwd))
    return subprocess.run(
        [STACKCTL, *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=timeout,
    )
