"""Whether a run marked `running` is really still running.

A run killed with SIGKILL cannot record its own end. Readers (``runs list``, the
dashboard) must not write state, so they derive the status instead: a `running` run
whose process is gone from this host is shown as `interrupted`.
"""

from __future__ import annotations

from stackctl.model import Run, RunStatus
from stackctl.state.locking import died_here

INTERRUPTED = "interrupted"


def effective_status(run: Run) -> str:
    """The run's status, or `interrupted` when its process died without recording it."""
    if run.status != RunStatus.RUNNING:
        return run.status.value
    pid, host = run.extra.get("pid"), run.extra.get("host")
    if isinstance(pid, int) and isinstance(host, str) and died_here(pid, host):
        return INTERRUPTED
    return run.status.value
