"""Managed local server processes: started detached, watched, stopped as a group.

A server runs in its own session (``start_new_session``) so that stopping it takes its
whole process group (``mlflow models serve`` forks uvicorn, which forks workers) and a
Ctrl-C in the terminal that started it does not reach it. Standard library only: the
provisioner (apply/drift) uses it without importing mlflow.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Bytes of a server's log searched for why it failed to start. uvicorn's ``ERROR:`` line
#: comes before mlflow's traceback, which grows with the install's path: 2,000 bytes
#: missed it when the venv was under a longer folder. Bounded all the same.
LOG_TAIL = 64 * 1024


def free_port(host: str) -> int:
    """A port nothing listens on right now (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def start(command: Sequence[str], log: Path, env: Mapping[str, str], cwd: Path) -> int:
    """Start ``command`` detached, stdout and stderr appended to ``log``; its pid."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env),
            start_new_session=True,
        )
    return proc.pid


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie child of ours counts as gone, and is reaped)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass  # not our child: ask the kernel instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def answers(url: str, timeout: float = 2.0) -> bool:
    """True when ``url`` returns 200 (a scoring server's /ping)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_ready(pid: int, url: str, timeout: float) -> str:
    """Wait until ``url`` answers: "" when it does, else why not (exited / timed out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(url, timeout=1.0):
            return ""
        if not alive(pid):
            return "the server exited"
        time.sleep(0.25)
    return f"the server did not answer within {timeout:g} s"


def tail(log: Path, size: int = LOG_TAIL) -> str:
    """The end of a log (bounded read)."""
    try:
        with log.open("rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - size))
            return f.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def terminate(pid: int, grace: float = 10.0) -> None:
    """Stop the process group led by ``pid``: SIGTERM, then SIGKILL after ``grace`` s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not alive(pid) and not group_pids(pid):
                return
            time.sleep(0.1)


def group_pids(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a group: zombies nobody reaps (PID 1 in some
    containers does not) must not count as a running server."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
            except OSError:
                continue
            if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
                found.append(int(entry.name))
    return found
