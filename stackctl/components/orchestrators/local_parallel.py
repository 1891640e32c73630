"""The ``local_parallel`` orchestrator: a process pool, independent steps concurrently."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.orchestrators.base import Finished, Orchestrator, Session


class PoolSession:
    """Submits tasks to a process pool and reports them as they complete."""

    def __init__(self, pool: ProcessPoolExecutor, slots: int) -> None:
        self._pool = pool
        self.slots = slots
        self._futures: dict[Future[Any], str] = {}

    def submit(self, key: str, fn: Callable[[Any], Any], task: Any) -> None:
        self._futures[self._pool.submit(fn, task)] = key

    def wait(self) -> list[Finished]:
        done, _ = wait(self._futures, return_when=FIRST_COMPLETED)
        finished = []
        for future in done:
            key = self._futures.pop(future)
            try:
                finished.append(Finished(key, result=future.result()))
            except Exception as exc:  # e.g. BrokenProcessPool when a worker died
                finished.append(Finished(key, error=exc))
        return finished


class LocalParallelOrchestrator:
    """``max_workers`` processes (default: one per CPU core)."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.max_workers: int = config.get("max_workers") or os.cpu_count() or 1

    @contextmanager
    def session(self) -> Iterator[PoolSession]:
        # fork where available: workers inherit sys.path and already imported step
        # modules (including steps defined in a `python run.py` script's __main__),
        # and start in milliseconds.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = ProcessPoolExecutor(max_workers=self.max_workers, mp_context=context)
        try:
            yield PoolSession(pool, self.max_workers)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


if TYPE_CHECKING:  # static proof that the classes satisfy the contract
    _session: type[Session] = PoolSession
    _orchestrator: type[Orchestrator] = LocalParallelOrchestrator
