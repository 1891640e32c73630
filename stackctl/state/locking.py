"""The write lock every store shares: who we are, polling, stale holders, SIGTERM.

Each store only knows how to try to take its lock atomically and how to release it;
this module turns that into the ``lock()`` context manager of the StateStore contract.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from stackctl.errors import StateLockedError
from stackctl.model import LockInfo

#: How often a waiting writer looks at the lock again.
POLL_INTERVAL = 0.1


def now() -> str:
    """The current time as ISO-8601 UTC, the format every state timestamp uses."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# socket, uuid and getpass are imported where used: a pipeline run opens the state
# (which imports this module) but takes no lock, and the three cost ~7 ms of start-up


def host() -> str:
    uname = getattr(os, "uname", None)
    if uname is not None:  # what gethostname(2) returns on POSIX, without importing socket
        return str(uname().nodename)
    import socket

    return socket.gethostname()


def user() -> str:
    # getpass fails in containers whose uid has no passwd entry; the uid still identifies.
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


def ci_context() -> str:
    """A link to the CI job holding the lock, so a waiting colleague can go and look."""
    if url := os.environ.get("CI_JOB_URL"):
        return url
    if run_id := os.environ.get("GITHUB_RUN_ID"):
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        repo = os.environ.get("GITHUB_REPOSITORY", "")
        return f"{server}/{repo}/actions/runs/{run_id}" if repo else f"github run {run_id}"
    return ""


def new_lock(operation: str) -> LockInfo:
    """A lock record for this process."""
    import uuid

    return LockInfo(
        id=str(uuid.uuid4()),
        who=f"{user()}@{host()}",
        pid=os.getpid(),
        operation=operation,
        since=now(),
        context=ci_context(),
        host=host(),
    )


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def died_here(pid: int, on_host: str) -> bool:
    """Whether process ``pid`` of host ``on_host`` is known to be gone: it ran on this very
    host and is not alive. Another host's pid tells us nothing, so it never counts as gone.

    Shared by stale locks here and by interrupted runs (``runtime.liveness``).
    """
    return on_host == host() and pid > 0 and not pid_alive(pid)


def mark_stale(info: LockInfo) -> LockInfo:
    """``info`` with ``stale`` set when its holder died on this very host."""
    return replace(info, stale=died_here(info.pid, info.host))


def locked_error(holder: LockInfo, timeout: float) -> StateLockedError:
    waited = f" after waiting {timeout:g}s" if timeout > 0 else ""
    return StateLockedError(
        f"state is locked{waited}: held by {holder.describe()}; lock id {holder.id}",
        lock_id=holder.id,
        holder=holder.who,
        hint=(
            "retry with --lock-timeout SECONDS to wait for it, or if that run is dead: "
            f"`stackctl force-unlock {holder.id}`"
        ),
    )


class _Terminated(KeyboardInterrupt):
    """SIGTERM while holding the lock: unwinds like Ctrl-C so the lock is released."""


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    # Signal handlers can only be installed from the main thread; elsewhere a SIGTERM
    # kills the process and the lock turns stale (detected and taken over later).
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> Any:
        raise _Terminated("SIGTERM")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def hold(
    try_acquire: Callable[[LockInfo], LockInfo | None],
    release: Callable[[LockInfo], None],
    operation: str,
    timeout: float,
) -> Iterator[LockInfo]:
    """Take a lock with ``try_acquire`` (None = taken, else the holder), polling up to
    ``timeout`` seconds; release it on exit, on an exception and on SIGTERM."""
    mine = new_lock(operation)
    deadline = time.monotonic() + max(timeout, 0.0)
    # The handler goes in first so a SIGTERM between "taken" and "try" cannot leak it.
    with _sigterm_unwinds():
        while (holder := try_acquire(mine)) is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise locked_error(holder, timeout)
            time.sleep(min(POLL_INTERVAL, remaining))
        try:
            yield mine
        except BaseException:
            # Keep the original error; a lock we fail to delete is stale once we exit.
            with contextlib.suppress(Exception):
                release(mine)
            raise
        release(mine)
