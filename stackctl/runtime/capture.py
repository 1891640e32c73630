"""Capturing a step's stdout, stderr and log records into its log, per thread.

``contextlib.redirect_stdout`` swaps the process-wide ``sys.stdout``: two steps running
in threads of one dask worker would swap each other's streams and leave one installed
for good. Instead, while any step runs, ``sys.stdout``/``sys.stderr`` are routers that
write to the log of the step running in the calling thread (a ContextVar) and to the
original stream everywhere else.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TextIO

from stackctl import lines

_target: ContextVar[_Tee | None] = ContextVar("stackctl_step_log", default=None)
_lock = threading.Lock()
_active = 0
_saved: tuple[TextIO, TextIO] | None = None
_saved_level = logging.WARNING


class TextLog(Protocol):
    """Where a step's text goes (``io.StringIO``, ``runtime.steplog.StepLog``)."""

    def write(self, text: str, /) -> int: ...


class _Tee:
    """The step's log plus, line by line, the live sink (``lines.emit``).

    Complete lines go to the sink as they are written; a partial line is held until its
    newline or the end of the step (``close``), so a progress bar's ``\\r`` updates or a
    ``print(end="")`` never produce half lines on the terminal.
    """

    def __init__(self, log: TextLog, step: str) -> None:
        self.log, self.step, self._partial = log, step, ""

    def write(self, text: str) -> int:
        self.log.write(text)
        chunk = self._partial + text
        *complete, self._partial = chunk.split("\n")
        self._emit(complete)
        return len(text)

    def _emit(self, complete: list[str]) -> None:
        if not complete:
            return
        # The sink renders to sys.stderr, which is our router: route this thread to the
        # real streams meanwhile, or each line would be written back into the log.
        token = _target.set(None)
        try:
            for line in complete:
                lines.emit(self.step, line)
        finally:
            _target.reset(token)

    def writelines(self, parts: Any) -> None:
        for part in parts:
            self.write(part)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self._partial:
            self._emit([self._partial])
            self._partial = ""


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
    global _saved, _saved_level
    _saved = (sys.stdout, sys.stderr)
    # A step's logging.info is part of its output (Python's default root level,
    # WARNING, would drop it); a level the user set lower stays.
    root = logging.getLogger()
    _saved_level = root.level
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    sys.stdout = _Router(sys.stdout)  # type: ignore[assignment]
    sys.stderr = _Router(sys.stderr)  # type: ignore[assignment]


def _uninstall() -> None:
    global _saved
    if _saved is None:
        return
    logging.getLogger().setLevel(_saved_level)
    # Someone (e.g. pytest) replaced a stream meanwhile: leave theirs in place.
    if isinstance(sys.stdout, _Router):
        sys.stdout = _saved[0]
    if isinstance(sys.stderr, _Router):
        sys.stderr = _saved[1]
    _saved = None


@contextmanager
def captured(log: TextLog, step: str = "") -> Iterator[None]:
    """Send this thread's stdout, stderr and log records to ``log`` (and, line by
    line, to the live sink as lines of ``step``)."""
    global _active
    with _lock:
        if _active == 0:
            _install()
        _active += 1
    tee = _Tee(log, step)
    token = _target.set(tee)
    handler = logging.StreamHandler(tee)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(lambda record: _target.get() is tee)  # runs in the emitting thread
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        _target.reset(token)
        tee.close()
        with _lock:
            _active -= 1
            if _active == 0:
                _uninstall()
