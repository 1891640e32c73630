"""The not-found errors every store raises the same way (same words, same hints)."""

from __future__ import annotations

from collections.abc import Sequence

from stackctl.errors import NotFoundError
from stackctl.model import LockInfo


def pick_run(prefix: str, matches: Sequence[str]) -> str:
    """The one run id starting with ``prefix``; NotFoundError for none or several."""
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise no_run(prefix)
    shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
    raise NotFoundError(
        f"run id prefix {prefix!r} is ambiguous: it matches {len(matches)} runs ({shown})",
        hint="give more characters of the run id",
    )


#: The run id alias every command taking a run id accepts: the newest run (any status).
LATEST = "latest"


def no_latest() -> NotFoundError:
    return NotFoundError(
        "run 'latest' does not exist: no pipeline has run yet",
        hint="run one first: `stackctl run PIPELINE`",
    )


def no_run(run_id: str) -> NotFoundError:
    return NotFoundError(f"run {run_id!r} does not exist", hint="list runs: `stackctl runs list`")


def no_serial(serial: int, latest: int) -> NotFoundError:
    return NotFoundError(
        f"state serial {serial} does not exist (latest is {latest})",
        hint="see the serials you can restore: `stackctl state history`",
    )


def no_lock(lock_id: str, current: LockInfo | None) -> NotFoundError:
    held = f"the current lock id is {current.id}" if current else "the state is not locked"
    return NotFoundError(
        f"no state lock has id {lock_id!r}; {held}",
        hint="copy the lock id from the 'state is locked' error",
    )
