"""A run's lease in state: its owning process beats every few seconds while it runs.

A run killed with SIGKILL, or whose host died, cannot record its own end, and a pid
check only works on the host that started it. So the owner writes ``extra.beat`` (and
``extra.lease_s``) into the run record from a background thread; readers anywhere
(``runs list``, the dashboard) derive `interrupted` once the beat is older than the
lease (``runtime.liveness``); they never write.

Clocks: the beat is stamped with the state database's clock and readers judge it
with the same clock (``state.clock``: PostgreSQL's ``now()``; for SQLite, the one host
that has the file), so hosts whose clocks differ never disagree about a live run. The
lease (30 s, six beats) leaves room for a loaded machine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from stackctl.model import Run
from stackctl.state.base import StateStore
from stackctl.state.clock import database_now

BEAT_S = 5.0
LEASE_S = 30.0


def beating(run: Run, at: str | None = None) -> Run:
    """``run`` with a fresh beat (and its lease) in ``extra``."""
    stamp = at or datetime.now(UTC).isoformat()
    return replace(run, extra={**run.extra, "beat": stamp, "lease_s": LEASE_S})


class Heartbeat:
    """Beats ``current()`` into ``store`` every ``interval`` seconds until stopped.

    ``lock`` serialises the beat with the run loop's own writes of the run record, so
    a beat never writes back an older copy of it.
    """

    def __init__(
        self,
        store: StateStore,
        current: Callable[[], Run],
        update: Callable[[Run], None],
        lock: threading.Lock,
        interval: float = BEAT_S,
    ) -> None:
        self.lock = lock
        self._store, self._current, self._update = store, current, update
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="run-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(self._interval + 5.0)

    def _beat(self) -> None:
        while not self._stop.wait(self._interval):
            with self.lock:
                if self._stop.is_set():
                    return
                run = beating(self._current(), database_now(self._store).isoformat())
                try:
                    self._store.record_run(run)
                except Exception:  # a busy or unreachable store: the next beat retries
                    continue
                self._update(run)
