"""Running a pipeline: what is refused before anything is recorded, the run's record
and lease, and every way out of it.

It runs in the main process. A bad graph, a bad `-p`, a hook without an alerter or a
step operator the stack lacks is an error before the run exists; then the run is
recorded, its heartbeat keeps the lease, and the run loop (runtime/loop.py) runs the
steps. Ctrl-C marks the run and its unfinished steps ``cancelled``; any other way out
records it ``failed``, after every buffered record reached state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from stackctl.errors import RunCancelled
from stackctl.frozen import replace
from stackctl.graph import topological_steps
from stackctl.model import PipelineSpec, Run, RunStatus, StepRun
from stackctl.runtime.compiler import pipeline_version
from stackctl.runtime.heartbeat import Heartbeat, beating
from stackctl.runtime.loop import RunLoop
from stackctl.runtime.operators import check_operators
from stackctl.runtime.params import run_params
from stackctl.runtime.stack import ActiveStack
from stackctl.runtime.task import now
from stackctl.state.base import StateStore
from stackctl.state.clock import database_now
from stackctl.state.locking import host

#: Delay before the first retry of a failed step; doubles with each attempt.
RETRY_BACKOFF_S = 0.5


def run_pipeline(
    spec: PipelineSpec,
    stack: ActiveStack,
    store: StateStore,
    *,
    root: Path,
    params: Mapping[str, Any] = MappingProxyType({}),
    cache: bool = True,
    on_event: Callable[[StepRun], None] | None = None,
) -> Run:
    """Run a pipeline on a stack and record it; raise StepFailedError if a step failed."""
    order = topological_steps(spec)  # GraphError naming the cycle, before any record
    resolved = run_params(spec, params)  # a bad `-p` is refused before any record too
    hooked = any(s.on_failure or s.on_success for s in spec.steps)
    if (
        hooked or spec.on_failure or spec.on_success
    ) and "alerter" not in stack.components:  # `alerter` hooks need one: say so now
        from stackctl.runtime.pipeline_hooks import check_alerter

        check_alerter(spec, stack.name)
    check_operators(spec, stack)  # a step operator the stack lacks, before any record too
    run = Run(
        id=_run_id(),
        pipeline=spec.name,
        stack=stack.name,
        status=RunStatus.RUNNING,
        started_at=now(),
        stack_snapshot=stack.snapshot,
        pipeline_version=pipeline_version(spec),
        params=resolved,
        extra={"pid": os.getpid(), "host": host()},
    )
    run = beating(run, database_now(store).isoformat())  # the lease is on the DB's clock
    store.record_run(run)
    loop = RunLoop(spec, stack, store, run, root.resolve(), cache, on_event, RETRY_BACKOFF_S)
    try:
        # the flusher stops (and finishes any write) before the handlers below flush
        with Heartbeat(store, lambda: loop.run, loop.beat, loop.run_lock), loop.flusher:
            status = loop.execute(order)
    except KeyboardInterrupt as stop:
        loop.cancel()
        loop.finish_records()
        store.finish_run(run.id, RunStatus.CANCELLED, now())
        raise RunCancelled(run.id, stack.name) from stop
    except BaseException:
        loop.finish_records()
        store.finish_run(run.id, RunStatus.FAILED, now())
        raise
    loop.finish_records()  # every artifact durable before the run is recorded as finished
    if loop.placed:
        with loop.run_lock:
            store.record_run(loop.run)
    finished = replace(loop.run, status=status, finished_at=now())
    store.finish_run(run.id, status, finished.finished_at or "")
    if spec.on_failure if loop.failures else spec.on_success:
        from stackctl.runtime.pipeline_hooks import pipeline_hooks

        pipeline_hooks(spec, stack, run.id, loop.failures, str(root.resolve()))
    if loop.failures:
        raise loop.error()
    if spec.model is not None:  # a completed run of a pipeline with `model:`
        from stackctl.runtime.models import record_version
        from stackctl.state.locking import now as state_now

        registry = stack.components.get("model_registry")
        record_version(spec, finished, store, registry, stack.artifact_store, state_now())
    return finished


def _run_id() -> str:
    """A random UUID (version 4) as 32 hex digits, like ``uuid.uuid4().hex``: built here
    because importing uuid (and platform with it) cost ~3 ms of every run's start."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return raw.hex()
