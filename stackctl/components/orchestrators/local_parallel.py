"""The ``local_parallel`` orchestrator: a process pool, independent steps concurrently."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.orchestrators import workers
from stackctl.components.orchestrators.base import Finished, Orchestrator, Session


class PoolSession:
    """Submits tasks to one process pool for the whole run, reports them as they complete.

    The pool starts at the first submit, so a run served from the cache spawns and
    imports nothing. Just before it forks, the step modules (and what they import) are
    imported here once, so every worker starts warm.
    """

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._refs: tuple[str, ...] = ()
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[Future[Any], str] = {}

    def preload(self, refs: Iterable[str]) -> None:
        """The run's step functions (``module:function``), imported before the fork."""
        self._refs = tuple(refs)

    def submit(self, key: str, fn: Callable[[Any], Any], task: Any) -> None:
        if self._pool is None:
            self._pool = self._start()
        self._futures[self._pool.submit(fn, task)] = key

    def _start(self) -> ProcessPoolExecutor:
        # fork where available: workers inherit sys.path and already imported step
        # modules (including steps defined in a `python run.py` script's __main__),
        # and start in milliseconds.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        workers.preload(self._refs)
        return ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=context,
            initializer=workers.init_worker,
            initargs=(os.getpid(),),
        )

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

    def close(self, *, cancel: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not cancel:
            pool.shutdown(wait=True)
            return
        # Ctrl-C, SIGTERM or an error: the workers ignore SIGINT, so end them here,
        # bounded; then the pool's manager thread sees them gone and exits at once
        # (shutdown(wait=True) or the interpreter's exit hook would otherwise wait for
        # the steps still running).
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        workers.end(processes)


class LocalParallelOrchestrator:
    """``max_workers`` processes (default: one per CPU core)."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.max_workers: int = config.get("max_workers") or os.cpu_count() or 1

    @contextmanager
    def session(self) -> Iterator[PoolSession]:
        session = PoolSession(self.max_workers)
        try:
            yield session
        except BaseException:
            session.close(cancel=True)
            raise
        session.close(cancel=False)


if TYPE_CHECKING:  # static proof that the classes satisfy the contract
    _session: type[Session] = PoolSession
    _orchestrator: type[Orchestrator] = LocalParallelOrchestrator
