"""Where a running step's output lines go besides its log: a sink the caller installs.

The runtime never prints. ``stackctl run`` (or the SDK entry) installs a sink with
``streaming(sink)``; ``capture`` hands it every complete line a step writes (stdout,
stderr, log records) as ``sink(step, line)``.

Processes forked from the one that installed the sink (``local_parallel`` workers)
inherit the module state but must not call the sink: it may drive the parent's rich
Live display, whose redraws would erase raw writes. They send each line through a pipe
created here, per ``streaming`` block, and a reader thread of the parent hands it to
the sink. One ``os.write`` per line, below PIPE_BUF, is atomic: lines of concurrent
workers never interleave. This needs nothing from the orchestrator, so it works with
any pool that forks from the session's process. Spawned or remote workers (dask) cannot
reach that pipe: their orchestrator installs a process-wide sink there that ships lines
back its own way (``install_process``), and hands what arrives to ``emit`` here.

It sits below the layers that use it (runtime captures, components ship, cli renders).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

Sink = Callable[[str, str], None]

_sink: Sink | None = None
_owner = 0  # pid of the process that installed the sink
_pipe_w = -1
_MAX = 3800  # bytes per line through the pipe: below PIPE_BUF (4096 on Linux)


@contextmanager
def streaming(sink: Sink | None) -> Iterator[None]:
    """Send step lines to ``sink`` (None: nowhere) while the block runs."""
    global _sink, _owner, _pipe_w
    saved = (_sink, _owner, _pipe_w)
    if sink is None:
        _sink = None
        try:
            yield
        finally:
            _sink, _owner, _pipe_w = saved
        return
    read_end, write_end = os.pipe()
    reader = threading.Thread(target=_drain, args=(read_end, sink), daemon=True)
    reader.start()
    _sink, _owner, _pipe_w = sink, os.getpid(), write_end
    try:
        yield
    finally:
        _sink, _owner, _pipe_w = saved
        os.close(write_end)  # workers have exited with the session: the reader sees EOF
        reader.join(timeout=2)


def install_process(sink: Sink) -> None:
    """Make ``sink`` this process's sink for good, unless this process already streams
    (a worker thread in the process that runs the session): for remote workers."""
    global _sink, _owner, _pipe_w
    if _sink is not None and _owner == os.getpid():
        return
    _sink, _owner, _pipe_w = sink, os.getpid(), -1


def emit(step: str, line: str) -> None:
    """One complete line (no trailing newline) of ``step``'s output."""
    sink = _sink
    if sink is None:
        return
    try:
        if os.getpid() == _owner:
            sink(step, line)
        else:
            data = f"{step}\0{line}".encode(errors="replace")[:_MAX]
            os.write(_pipe_w, data + b"\n")
    except Exception:  # a broken terminal must never fail the step
        pass


def _drain(fd: int, sink: Sink) -> None:
    with os.fdopen(fd, "rb") as pipe:
        for raw in pipe:
            step, _, line = raw.rstrip(b"\n").decode(errors="replace").partition("\0")
            with suppress(Exception):
                sink(step, line)
