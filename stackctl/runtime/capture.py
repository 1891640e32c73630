"""Capturing a step's stdout, stderr and log records into its log, per thread.

``contextlib.redirect_stdout`` swaps the process-wide ``sys.stdout``: two steps running
in threads of one dask worker would swap each other's streams and leave one installed
for good. Instead, while any step runs, ``sys.stdout``/``sys.stderr`` are routers that
write to the log of the step running in the calling thread (a ContextVar) and to the
original stream everywhere else.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

_target: ContextVar[io.StringIO | None] = ContextVar("stackctl_step_log", default=None)
_lock = threading.Lock()
_active = 0
_saved: tuple[TextIO, TextIO] | None = None


class _Router:
    """A text stream that writes to the current step's log, or to ``original``."""

    def __init__(self, original: TextIO) -> None:
        self.original = original

    def _stream(self) -> Any:
        return _target.get() or self.original

    def write(self, text: str) -> int:
        return int(self._stream().write(text))

    def writelines(self, lines: Any) -> None:
        self._stream().writelines(lines)

    def flush(self) -> None:
        self._stream().flush()

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, ...
        return getattr(self.original, name)


def _install() -> None:
    global _saved
    _saved = (sys.stdout, sys.stderr)
    sys.stdout = _Router(sys.stdout)  # type: ignore[assignment]
    sys.stderr = _Router(sys.stderr)  # type: ignore[assignment]


def _uninstall() -> None:
    global _saved
    if _saved is None:
        return
    # Someone (e.g. pytest) replaced a stream meanwhile: leave theirs in place.
    if isinstance(sys.stdout, _Router):
        sys.stdout = _saved[0]
    if isinstance(sys.stderr, _Router):
        sys.stderr = _saved[1]
    _saved = None


@contextmanager
def captured(log: io.StringIO) -> Iterator[None]:
    """Send this thread's stdout, stderr and log records to ``log``."""
    global _active
    with _lock:
        if _active == 0:
            _install()
        _active += 1
    token = _target.set(log)
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(lambda record: _target.get() is log)  # runs in the emitting thread
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        _target.reset(token)
        with _lock:
            _active -= 1
            if _active == 0:
                _uninstall()
