"""The orchestrator contract: schedule step tasks, hand back results as they finish.

The split follows kedro's runners. The runtime's run loop (main process) decides what is
ready, records every state change and builds one picklable task per step; the task
function (``stackctl.runtime.execute.execute_step``) is pure and does the work. An
orchestrator only runs ``fn(task)`` somewhere: in-process, in a process pool, or on a
dask cluster (``client.submit(fn, task)``).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from stackctl.frozen import frozen


@frozen
class Finished:
    """One task that finished: its result, or the error that escaped the task function."""

    key: str
    result: Any = None
    error: BaseException | None = None


class Session(Protocol):
    """One run's use of an orchestrator."""

    #: How many tasks the run loop should keep in flight at once.
    slots: int

    def submit(self, key: str, fn: Callable[[Any], Any], task: Any) -> None:
        """Schedule ``fn(task)``; ``fn`` and ``task`` are picklable."""
        ...

    def wait(self) -> list[Finished]:
        """Block until at least one submitted task finished; return every finished one.

        KeyboardInterrupt propagates (the run loop marks the run cancelled).
        """
        ...


class Orchestrator(Protocol):
    """Executes the steps of a run. Constructed as ``Cls(name, config, root)``."""

    name: str

    def session(self) -> AbstractContextManager[Session]:
        """Resources for one run (a pool, a client), released when the run ends."""
        ...
