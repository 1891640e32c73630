"""Whether a run marked `running` is really still running.

A run killed with SIGKILL, or on a host that died, cannot record its own end. Readers
(``runs list``, ``runs show``, the dashboard) must not write state, so they derive the
status instead: a `running` run is `interrupted` when its heartbeat lease expired
(``runtime.heartbeat``: works from any host sharing the state; judged on the state
database's clock, ``state.clock``), or, as a fast shortcut on the host that started
it, when its process is gone. Readers that hold the store pass ``at=database_now(store)``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from stackctl.model import Run, RunStatus, StepRun
from stackctl.state.base import StateStore
from stackctl.state.clock import database_now
from stackctl.state.locking import died_here

INTERRUPTED = "interrupted"


def effective_status(run: Run, at: datetime | None = None) -> str:
    """The run's status, or `interrupted` when its owner died without recording it."""
    if run.status != RunStatus.RUNNING:
        return run.status.value
    pid, host = run.extra.get("pid"), run.extra.get("host")
    if isinstance(pid, int) and isinstance(host, str) and died_here(pid, host):
        return INTERRUPTED
    if lease_expired(run, at or datetime.now(UTC)):
        return INTERRUPTED
    return run.status.value


def lease_expired(run: Run, at: datetime) -> bool:
    """Whether the run's last beat is older than its lease (runs from before leases
    existed have no beat: only the pid check applies to them)."""
    beat, lease = run.extra.get("beat"), run.extra.get("lease_s")
    if not isinstance(beat, str) or not isinstance(lease, int | float):
        return False
    try:
        last = datetime.fromisoformat(beat)
    except ValueError:
        return False
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return (at - last).total_seconds() > lease


def step_status(step: StepRun, run_status: str) -> str:
    """A step's status as shown: a step still in flight in an interrupted run is too."""
    if run_status == INTERRUPTED and step.status == RunStatus.RUNNING:
        return INTERRUPTED
    return step.status.value


def matching_runs(
    state: StateStore,
    stack: str | None,
    pipeline: str | None,
    status: str | None,
    limit: int,
) -> list[tuple[Run, str]]:
    """Newest first, each with its status as shown; ``status`` filters on that (the
    store cannot: `interrupted` is derived), scanning pages until ``limit`` match."""
    at, offset, page = database_now(state), 0, max(limit, 200)
    found: list[tuple[Run, str]] = []
    while len(found) < limit:
        runs = state.runs(stack=stack, pipeline=pipeline, limit=page, offset=offset)
        for run in runs:
            shown = effective_status(run, at)
            if status is None or shown == status:
                found.append((run, shown))
        if len(runs) < page:
            break
        offset += page
    return found[:limit]
