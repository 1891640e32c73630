"""Starting a per-run local Ray instance so that Ctrl-C can stop it at once.

``ray.init`` does not see signals while it starts the head (seconds): the CLI's
Ctrl-C or SIGTERM would wait for it to return, then for ``ray.shutdown``. So the start
runs in a helper thread while the main thread waits in short, interruptible waits; on
an interrupt every process of the instance is killed (found, like the tests do, by the
instance's own temp folder in their command lines, and their descendants: workers
rename themselves) and the interrupt goes on. The half-started driver is abandoned
with the process, which is exiting anyway.

The thread must outlive the instance: ray starts its processes with
``PR_SET_PDEATHSIG``, which fires when the spawning *thread* ends. So it waits, after
the start, until the caller releases it (after ``ray.shutdown``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

#: Seconds between checks of the start-up thread: how late a signal is seen at most.
JOIN_S = 0.05
#: Seconds to keep killing after an interrupt: the start-up thread may spawn one more
#: ray process after the first sweep (it is still running until the process exits).
SWEEP_S = 0.3


def start(init: Callable[[], None], temp: str) -> Callable[[], None]:
    """Run ``init`` (a ``ray.init`` using ``temp``); on an interrupt, kill what it
    started. Returns the release of the start-up thread, to call after ``ray.shutdown``."""
    failure: list[BaseException] = []
    ready, release = threading.Event(), threading.Event()

    def body() -> None:
        try:
            init()
        except BaseException as exc:  # handed to the main thread, which raises it
            failure.append(exc)
            return
        finally:
            ready.set()
        release.wait()  # ray's processes die with this thread (see the docstring)

    thread = threading.Thread(target=body, name="stackctl-ray-start", daemon=True)
    thread.start()
    try:
        while not ready.wait(JOIN_S):
            pass
    except BaseException:  # Ctrl-C / SIGTERM while ray starts
        _stop(thread, ready, temp)
        raise
    if failure:
        raise failure[0]
    return release.set


def _stop(thread: threading.Thread, ready: threading.Event, temp: str) -> None:
    """Kill the instance, sweeping again while the start-up thread may still spawn,
    and once more at exit (after the CLI recorded the run `cancelled`)."""
    kill_instance(temp)
    deadline = time.monotonic() + SWEEP_S
    while thread.is_alive() and not ready.is_set() and time.monotonic() < deadline:
        thread.join(JOIN_S)
        kill_instance(temp)
    atexit.register(kill_instance, temp)


def kill_instance(temp: str) -> None:
    """SIGKILL every process whose command line names ``temp``, and their descendants."""
    for pid in processes_of(temp):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def processes_of(marker: str) -> list[int]:
    """Live processes whose command line names ``marker``, and their descendants."""
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: nothing to find, ray stops with the driver
        return []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        children.setdefault(parent, []).append(int(entry.name))
        if marker in cmdline and int(entry.name) != os.getpid():
            roots.append(int(entry.name))
    found, todo = set(roots), list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    found.discard(os.getpid())
    return sorted(found)
