"""The ``local`` orchestrator: in-process, one step at a time (the default stack's)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.orchestrators.base import Finished, Orchestrator, Session


class SequentialSession:
    """Runs each task inside ``wait``, in submission order."""

    slots = 1

    def __init__(self) -> None:
        self._queue: deque[tuple[str, Callable[[Any], Any], Any]] = deque()

    def submit(self, key: str, fn: Callable[[Any], Any], task: Any) -> None:
        self._queue.append((key, fn, task))

    def wait(self) -> list[Finished]:
        key, fn, task = self._queue.popleft()
        try:
            return [Finished(key, result=fn(task))]
        except Exception as exc:  # reported as the step's failure by the run loop
            return [Finished(key, error=exc)]


class LocalOrchestrator:
    """No configuration, nothing to provision."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name

    @contextmanager
    def session(self) -> Iterator[SequentialSession]:
        yield SequentialSession()


if TYPE_CHECKING:  # static proof that the classes satisfy the contract
    _session: type[Session] = SequentialSession
    _orchestrator: type[Orchestrator] = LocalOrchestrator
