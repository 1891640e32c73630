"""Ctrl-C and SIGTERM at the CLI edge: one cancellation path, and a way out at once.

The first Ctrl-C raises KeyboardInterrupt as usual: the run loop records the run and its
unfinished steps `cancelled` and the orchestrator ends its workers. A second Ctrl-C
during that cleanup exits immediately (pool workers die with their parent, see
components/orchestrators/workers.py). SIGTERM takes the same path as the first Ctrl-C
and exits 143.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the main thread is, so it cancels like Ctrl-C."""


_interrupted = False
_terminated = False
_closed = False  # the closing line is written


def exit_code(code: int) -> int:
    """The process's exit code: typer turns any KeyboardInterrupt into 130; a SIGTERM
    one is 143 and gets its closing line (unless a run's closing line was written)."""
    if _terminated and code == 130:
        if not _closed:
            sys.stderr.write("terminated (SIGTERM)\n")
        return 143
    return code


def close_run(run_id: str, stack: str) -> None:
    """The closing line of a stopped run, like the normal end line
    (`run ID on stack S: cancelled`), on stderr: `--json` stdout stays JSON."""
    global _closed
    suffix = " (SIGTERM)" if _terminated else ""
    sys.stderr.write(f"run {run_id} on stack {stack}: cancelled{suffix}\n")
    sys.stderr.flush()
    _closed = True


def install() -> None:
    """Install the handlers (main thread only; elsewhere a no-op)."""
    try:
        signal.signal(signal.SIGINT, _on_sigint)
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (e.g. CliRunner in a thread)
        pass


def _first(code: int) -> None:
    global _interrupted
    if _interrupted:  # the second signal: no more cleanup
        sys.stderr.write("interrupted again: exiting now\n")
        sys.stderr.flush()
        os._exit(code)
    _interrupted = True


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    _first(130)
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    global _terminated
    _first(143)
    _terminated = True
    raise Terminated
