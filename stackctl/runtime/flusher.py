"""Write-behind for the run loop: its records reach state in batches, never late.

One SQLite transaction per step cost ~0.3 ms, more than a trivial step itself. So the
run loop buffers its records and writes them (one transaction) only when it is about
to block on a step and ``FLUSH_EVERY_S`` passed since the last write; otherwise it arms
this flusher, whose thread writes the buffer once the loop has been blocked for
``DELAY_S``. A run of fast steps thus costs a transaction every ~0.1 s, and a slow step
still shows as `running` in state (``runs list``, the dashboard, another host) at most
``DELAY_S`` after it started.

Why this keeps state honest:

- Records only trail the run, they never run ahead of it: a kill -9 loses at most the
  last ~0.1 s of records (those steps re-run or come from the cache next time), and
  state never names an artifact that was not written first: the outputs of a step are
  files before the step's result reaches the loop.
- The loop flushes itself on every way out (end, failure, Ctrl-C), after this thread
  stopped, so every record is in state when the process exits.
- The thread writes only while the loop is blocked in the orchestrator (armed), and
  ``disarm`` waits for a write in progress: the loop and the thread never touch the
  buffer at the same time. A failed background write gives the records back to the
  buffer; the loop's next flush retries it and reports the error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

#: The loop writes its buffer itself when the last write is older than this.
FLUSH_EVERY_S = 0.1
#: How long the loop may be blocked on a step before the thread writes the buffer.
DELAY_S = 0.05


class Flusher:
    """Calls ``flush`` from a background thread once armed for ``delay`` seconds.

    The thread polls (every ``delay / 2``) rather than being woken: arming happens
    before every wait of the loop, and waking a thread each time costs a GIL hand-off
    per step (measured: more than the transaction it saves). ``arm`` is one attribute
    store; only a write in progress makes ``disarm`` wait.
    """

    def __init__(self, flush: Callable[[], None], delay: float = DELAY_S) -> None:
        self._flush = flush
        self._delay = delay
        self._writing = threading.Lock()  # held by the thread while it writes
        self._stop = threading.Event()
        self._armed_at: float | None = None
        self._thread: threading.Thread | None = None

    def arm(self) -> None:
        """The loop is about to block: write its buffer if it stays blocked."""
        self._armed_at = time.monotonic()
        if self._thread is None:  # started on first use: a run that never blocks needs none
            self._thread = threading.Thread(target=self._run, name="run-flusher", daemon=True)
            self._thread.start()

    def disarm(self) -> None:
        """The loop woke up: from now on it owns the buffer (waits for a write under way)."""
        with self._writing:
            self._armed_at = None

    def __enter__(self) -> Flusher:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._armed_at = None

    def _run(self) -> None:
        while not self._stop.wait(self._delay / 2):
            armed = self._armed_at
            if armed is None or time.monotonic() - armed < self._delay:
                continue
            with self._writing:
                if self._armed_at is None or self._stop.is_set():  # the loop woke meanwhile
                    continue
                self._armed_at = None
                try:
                    self._flush()
                except Exception:  # the records went back to the buffer
                    continue
