"""The state database's clock: what run leases are stamped and judged with.

Hosts sharing one PostgreSQL state may disagree about the time. If a run's owner
stamped its heartbeat with its own clock and a reader judged it with another, a skew
bigger than the lease would show a live run `interrupted` (or a dead one `running`).
Both sides ask the database instead (PostgreSQL: ``now()``). An embedded SQLite file
(or the in-memory store) lives on the host of everyone who reads it, so its clock is
this host's clock: no query.
"""

from __future__ import annotations

import datetime as _dt
from datetime import UTC, datetime


def database_now(store: object) -> datetime:
    """The time on the state's own clock (UTC, aware); this host's clock when the
    store has none of its own, or cannot be asked right now."""
    clock = getattr(store, "database_now", None)
    if callable(clock):
        try:
            found = clock()
        except Exception:  # an unreachable database: the caller's next query says so
            found = None
        if isinstance(found, _dt.datetime):  # the type, whatever ``datetime`` names here
            return found.astimezone(UTC) if found.tzinfo else found.replace(tzinfo=UTC)
    return datetime.now(UTC)
