"""Whether a run marked `running` is really still running.

A run killed with SIGKILL cannot record its own end. Readers (``runs list``, the
dashboard) must not write state, so they derive the status instead: a `running` run
whose process is gone from this host is shown as `interrupted`.
"""

from __future__ import annotations

import os
import socket

from stackctl.model import Run, RunStatus

INTERRUPTED = "interrupted"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def effective_status(run: Run) -> str:
    """The run's status, or `interrupted` when its process died without recording it."""
    if run.status != RunStatus.RUNNING:
        return run.status.value
    pid, host = run.extra.get("pid"), run.extra.get("host")
    if isinstance(pid, int) and host == socket.gethostname() and not process_alive(pid):
        return INTERRUPTED
    return run.status.value
