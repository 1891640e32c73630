"""Pool worker processes that never outlive the run and never handle Ctrl-C themselves.

The parent (the run loop) decides what a Ctrl-C means: it cancels the run and ends the
workers. A worker that caught SIGINT too would print one KeyboardInterrupt traceback
each and could leave the pool's manager thread waiting on it. A worker whose parent was
killed with SIGKILL has no one to end it, so it watches for that itself: Linux delivers
PR_SET_PDEATHSIG; elsewhere (and as a fallback) a thread polls the parent pid.
"""

from __future__ import annotations

import ast
import contextlib
import ctypes
import importlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable
from multiprocessing.process import BaseProcess

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_POLL_S = 0.5


def init_worker(parent: int) -> None:
    """ProcessPoolExecutor initializer: ignore SIGINT, die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a forked worker inherits the CLI's handlers (cli/signals.py); the parent's
    # terminate() must simply end it
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the prctl took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_POLL_S)
    os._exit(1)


def preload(refs: Iterable[str]) -> None:
    """Import the step modules of ``refs`` (``module:function``) and what they import.

    Run in the parent just before the pool forks, so every worker starts with them
    imported (copy-on-write) instead of each importing pandas or sklearn inside its
    first step. Imports made inside step functions count too: they are read from the
    module's source with ast, not executed. Anything that fails to import is left for
    the step to report.
    """
    for module in sorted({ref.partition(":")[0] for ref in refs}):
        with contextlib.suppress(Exception):
            loaded = importlib.import_module(module)
            for name in _imported_by(getattr(loaded, "__file__", None)):
                with contextlib.suppress(Exception):
                    importlib.import_module(name)


def _imported_by(path: str | None) -> list[str]:
    if not path or not path.endswith(".py"):
        return []
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return sorted(names)


def end(processes: Iterable[BaseProcess], grace_s: float = 1.0) -> None:
    """SIGTERM, a bounded wait, then SIGKILL: no worker survives a cancelled run."""
    alive = [process for process in processes if process.is_alive()]
    for process in alive:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + grace_s
    for process in alive:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
    for process in alive:
        if process.is_alive():
            with contextlib.suppress(Exception):
                process.kill()
                process.join(1.0)
