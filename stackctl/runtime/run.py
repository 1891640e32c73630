"""The run loop: schedules ready steps on the orchestrator and records every change.

It runs in the main process. For each step whose inputs are ready it imports the
function, checks its arguments, computes the cache key and either links the cached
artifacts or submits ``execute_step`` to the orchestrator; each result is recorded in
the state store as it arrives. A failed step makes its dependents ``skipped`` while
independent branches finish; Ctrl-C marks the run ``cancelled``.
"""

from __future__ import annotations

import hashlib
import heapq
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from stackctl.components.artifact_stores.base import ArtifactStore, is_verified
from stackctl.components.orchestrators.base import Finished, Session
from stackctl.errors import RunCancelled, StepFailedError
from stackctl.frozen import replace
from stackctl.graph import topological_steps
from stackctl.model import ArtifactRecord, PipelineSpec, Run, RunStatus, StepRun, StepSpec
from stackctl.runtime import steplog
from stackctl.runtime.binding import check_arguments
from stackctl.runtime.cache import CodeDigests, cache_key, cache_parts
from stackctl.runtime.compiler import pipeline_version
from stackctl.runtime.flusher import FLUSH_EVERY_S, Flusher
from stackctl.runtime.heartbeat import Heartbeat, beating
from stackctl.runtime.imports import StepError, ensure_on_path, import_function
from stackctl.runtime.operators import check_operators, task_function
from stackctl.runtime.params import run_params, step_params
from stackctl.runtime.publish import Publisher
from stackctl.runtime.stack import ActiveStack
from stackctl.runtime.task import StepResult, StepTask, now, store_log
from stackctl.state.base import StateStore
from stackctl.state.clock import database_now
from stackctl.state.locking import host

#: Delay before the first retry of a failed step; doubles with each attempt.
RETRY_BACKOFF_S = 0.5

# a step in one of these states lets its dependents start, or skips them
_SETTLED = (RunStatus.COMPLETED, RunStatus.CACHED, RunStatus.FAILED, RunStatus.SKIPPED)


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
    loop = _RunLoop(spec, stack, store, run, root.resolve(), cache, on_event)
    try:
        # the flusher stops (and finishes any write) before the handlers below flush
        with Heartbeat(store, lambda: loop.run, loop.beat, loop.run_lock), loop.flusher:
            status = loop.execute(order)
    except KeyboardInterrupt as stop:
        loop.cancel()
        loop.sync()
        loop.flush()
        store.finish_run(run.id, RunStatus.CANCELLED, now())
        raise RunCancelled(run.id, stack.name) from stop
    except BaseException:
        loop.sync()
        loop.flush()
        store.finish_run(run.id, RunStatus.FAILED, now())
        raise
    loop.sync()  # every artifact durable before the run is recorded as finished
    loop.flush()
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


def _intact(store: ArtifactStore, record: ArtifactRecord) -> bool:
    """The artifact is published and holds the bytes it was recorded with: a truncated
    (power loss) or edited file is a cache miss, and the step runs again. The size check
    first is free and catches truncation without reading."""
    path = store.local_path(record.uri)
    if path is None:
        return is_verified(store, record.uri, record.digest)
    try:  # one open for both checks: a cache hit is on the hot path of a re-run
        with open(path, "rb") as fp:  # a str path: no Path parse per hit
            if os.fstat(fp.fileno()).st_size != record.size:
                return False
            sha = hashlib.sha256()  # not file_digest: its 256 KiB buffer per hit costs more
            while chunk := fp.read(min(record.size + 1, 1 << 20)):  # small: one read
                sha.update(chunk)
            return sha.hexdigest() == record.digest
    except OSError:
        return False


class _RunLoop:
    def __init__(
        self,
        spec: PipelineSpec,
        stack: ActiveStack,
        store: StateStore,
        run: Run,
        root: Path,
        cache: bool,
        on_event: Callable[[StepRun], None] | None,
    ) -> None:
        self.spec, self.stack, self.store, self.run = spec, stack, store, run
        self.run_lock = threading.Lock()  # the run record: this loop and its heartbeat
        self.root, self.cache, self.on_event = root, cache, on_event
        self.steps = {s.name: s for s in spec.steps}
        self.status: dict[str, RunStatus] = {}
        self.records: dict[str, StepRun] = {}
        self.outputs: dict[str, dict[str, ArtifactRecord]] = {}
        self.failures: list[tuple[str, str]] = []
        self.in_flight: set[str] = set()
        self.waiting: dict[str, int] = {}  # upstream steps not finished yet
        self.dependents: dict[str, list[str]] = defaultdict(list)
        self.position: dict[str, int] = {}  # topological position: the start order
        self.ready: list[tuple[int, str]] = []  # heap of steps whose inputs exist
        self.code = CodeDigests(root)
        # write-behind: records wait here until the loop is about to block (or ends),
        # then go to the state store in one transaction (see flush)
        self.unsaved_steps: dict[str, StepRun] = {}
        self.unsaved_artifacts: list[ArtifactRecord] = []
        self.unsent: list[StepRun] = []  # on_event calls, made before the loop blocks
        self.flusher = Flusher(self.flush)
        self.flushed_at = time.monotonic()
        self.completed_keys: dict[str, str] = {}  # cache key -> step completed in this run
        self.written: list[str] = []  # URIs this run wrote, made durable by sync()
        self.publisher = Publisher(store, run.id)  # named versions, metadata, lineage
        self.placed = False  # some step reported where it ran (Run.extra["ran_on"])

    def execute(self, order: list[str]) -> RunStatus:
        ensure_on_path(str(self.root))
        for position, name in enumerate(order):
            upstream = self.steps[name].upstream
            self.waiting[name] = len(upstream)
            for producer in upstream:
                self.dependents[producer].append(name)
            self.position[name] = position
            self._record(StepRun(self.run.id, name, RunStatus.PENDING))
            if not upstream:
                heapq.heappush(self.ready, (position, name))
        with self.stack.orchestrator.session() as session:
            # a pool imports the step modules once, before its workers start
            preload = getattr(session, "preload", None)
            if callable(preload):
                preload([step.function for step in self.steps.values()])
            while True:
                # ready steps start in pipeline order; cache hits finish (and free their
                # dependents) at once, so this drains every step the cache can serve
                while self.ready and len(self.in_flight) < session.slots:
                    self._start(session, self.steps[heapq.heappop(self.ready)[1]])
                if not self.in_flight:
                    break
                self._before_wait()
                done = session.wait()
                self.flusher.disarm()  # the loop owns its buffer again
                for finished in done:
                    self.in_flight.discard(finished.key)
                    self._finish(finished)
        return RunStatus.FAILED if self.failures else RunStatus.COMPLETED

    def _settle(self, step_run: StepRun) -> None:
        """Release the dependents of a finished step, or skip them when it failed."""
        for dependent in self.dependents[step_run.step]:
            if self.status[dependent] is not RunStatus.PENDING:
                continue
            if step_run.status in (RunStatus.FAILED, RunStatus.SKIPPED):
                self._record(replace(self.records[dependent], status=RunStatus.SKIPPED))
                continue
            self.waiting[dependent] -= 1
            if self.waiting[dependent] == 0:
                heapq.heappush(self.ready, (self.position[dependent], dependent))

    def _start(self, session: Session, step: StepSpec) -> None:
        started, clock = now(), time.perf_counter()
        try:
            params, inputs, parts = self._prepare(step)
        except StepError as exc:
            message = f"step {step.name!r} failed: {exc.message}"
            log = f"run {self.run.id} stack {self.stack.name} step {step.name}\n"
            log += f"{exc.detail}\nerror: {message}\n"
            log_uri = store_log(self.stack.artifact_store, step.name, log)
            self._wrote(log_uri)
            self._fail(step.name, message, started, log_uri)
            return
        key = cache_key(parts)
        running = StepRun(
            self.run.id,
            step.name,
            RunStatus.RUNNING,
            started,
            cache_key=key,
            cache_parts=parts,
            # known before it runs: `runs logs --follow` reads it while the step prints
            log_uri=steplog.log_uri(self.stack.artifact_store, self.run.id, step.name),
        )
        if self.cache and step.cache and self._link_cached(running, step, clock):
            return
        self._record(running)
        # imported for the first step that really runs: a run the cache serves whole
        # never loads the worker side (runtime/task.py says what that saves)
        from stackctl.runtime.execute import execute_step

        task = self._task(step, params, inputs)  # only for a step that runs (not a hit)
        try:
            session.submit(step.name, task_function(step, self.stack, execute_step), task)
        except Exception as exc:  # e.g. a process pool broken by a killed worker
            orchestrator = self.stack.orchestrator.name
            message = (
                f"step {step.name!r} failed: orchestrator {orchestrator!r} did not accept it: "
                f"{type(exc).__name__}: {exc}"
            )
            self._fail(step.name, message, started)
            return
        self.in_flight.add(step.name)

    def _prepare(
        self, step: StepSpec
    ) -> tuple[dict[str, Any], dict[str, ArtifactRecord], dict[str, str]]:
        """The step's params and inputs, and its cache key's parts."""
        function = import_function(step.function, str(self.root))
        params = step_params(step, self.run.params)
        check_arguments(function, step, params)
        inputs = {}
        for arg, ref in step.inputs.items():
            produced = self.outputs.get(ref.step, {})
            if ref.output not in produced:
                raise StepError(
                    f"input {arg!r} wants {ref}, but step {ref.step!r} has outputs "
                    f"{', '.join(produced) or 'none'}"
                )
            inputs[arg] = produced[ref.output]
        named = self.publisher.resolve(step)
        inputs.update({arg: record for arg, (_, record) in named.items()})
        self.publisher.consumed(step, inputs, named)
        code = self.code.parts(function, step)
        return params, inputs, cache_parts(function, step, params, inputs, self.root, code)

    def _task(
        self, step: StepSpec, params: dict[str, Any], inputs: dict[str, ArtifactRecord]
    ) -> StepTask:
        return StepTask(
            run_id=self.run.id,
            pipeline=self.spec.name,
            stack=self.stack.name,
            step=step,
            params=params,
            inputs=inputs,
            artifact_store=self.stack.artifact_store,
            experiment_tracker=self.stack.experiment_tracker,
            components=self.stack.snapshot.get("components", {}),
            root=str(self.root),
            backoff_s=RETRY_BACKOFF_S,
            alerter=self.stack.components.get("alerter"),
            data_validator=self.stack.components.get("data_validator"),
            feature_store=self.stack.components.get("feature_store"),
        )

    def _link_cached(self, running: StepRun, step: StepSpec, clock: float) -> bool:
        """Reuse a previous step run with the same key whose artifacts still exist."""
        hit = self._hit_in_run(running.cache_key) or self.store.cache_lookup(running.cache_key)
        if hit is None:
            return False
        producer, artifacts = hit
        by_name = {a.name: a for a in artifacts}
        store = self.stack.artifact_store
        if set(by_name) != set(step.outputs) or not all(_intact(store, a) for a in artifacts):
            return False  # deleted, truncated or written to another store: run it again
        linked = [  # this step's records: the hit may be on a step of another name
            replace(
                a,
                run_id=self.run.id,
                step=step.name,
                producer_run_id=a.producer_run_id or a.run_id,
            )
            for a in artifacts
        ]
        self.unsaved_artifacts.extend(linked)
        self.outputs[step.name] = {a.name: a for a in linked}
        self.publisher.cached(step, producer.run_id, producer.step)
        self.publisher.produced(step, linked)
        self._record(
            replace(
                running,
                status=RunStatus.CACHED,
                finished_at=now(),
                duration_s=time.perf_counter() - clock,
                cached_from=f"{producer.run_id}/{producer.step}",
                log_uri=producer.log_uri,
            )
        )
        return True

    def _hit_in_run(self, key: str) -> tuple[StepRun, list[ArtifactRecord]] | None:
        """A step of this run that completed with ``key`` (its records may still be
        buffered, so the state store cannot answer yet)."""
        name = self.completed_keys.get(key)
        if name is None:
            return None
        return self.records[name], list(self.outputs.get(name, {}).values())

    def _finish(self, finished: Finished) -> None:
        name = finished.key
        result: StepResult | None = finished.result
        if result is None or finished.error is not None:
            error = finished.error or RuntimeError("no result")
            message = (
                f"step {name!r} failed: the orchestrator lost it: {type(error).__name__}: {error}"
            )
            self._fail(name, message, self.records[name].started_at)
            return
        base = replace(
            self.records[name],
            started_at=result.started_at,
            finished_at=result.finished_at,
            duration_s=result.duration_s,
            attempts=result.attempts,
            log_uri=result.log_uri,
        )
        # a step log is appended in place (runtime.steplog), not an object to sync
        log = "" if steplog.is_step_log(result.log_uri) else result.log_uri
        self._wrote(log, *(a.uri for a in result.artifacts))
        if result.tracker_run_id:
            self._link_tracker_run(name, result.tracker_run_id)
        if result.ran_on:
            self._ran_on(name, result.ran_on)
        if not result.ok:
            self.failures.append((name, result.error))
            self._record(replace(base, status=RunStatus.FAILED, error=result.error))
            return
        self.unsaved_artifacts.extend(result.artifacts)
        self.outputs[name] = {a.name: a for a in result.artifacts}
        self.publisher.produced(self.steps[name], result.artifacts, result.metadata)
        self._record(replace(base, status=RunStatus.COMPLETED))

    def _link_tracker_run(self, step: str, tracker_run_id: str) -> None:
        """Record the experiment tracker's run of a step in ``Run.extra`` (`runs show`)."""
        tracker = self.stack.experiment_tracker
        linked = dict(self.run.extra.get("experiment_tracker") or {})
        linked["name"] = tracker.name if tracker is not None else ""
        linked["runs"] = {**linked.get("runs", {}), step: tracker_run_id}
        with self.run_lock:  # not interleaved with a heartbeat's copy of the record
            self.run = replace(self.run, extra={**self.run.extra, "experiment_tracker": linked})
            self.flush()
            self.store.record_run(self.run)

    def _ran_on(self, step: str, where: Mapping[str, Any]) -> None:
        """Keep where a step ran in ``Run.extra["ran_on"]`` (`runs show`); written with
        the run record by the next heartbeat or at the end, not one write per step."""
        with self.run_lock:
            placed = {**(self.run.extra.get("ran_on") or {}), step: dict(where)}
            self.run = replace(self.run, extra={**self.run.extra, "ran_on": placed})
            self.placed = True

    def beat(self, run: Run) -> None:
        """The heartbeat recorded ``run``: keep it (under ``run_lock``)."""
        self.run = run

    def _fail(self, name: str, message: str, started: str | None, log_uri: str = "") -> None:
        self.failures.append((name, message))
        failed = replace(
            self.records[name],
            status=RunStatus.FAILED,
            started_at=started,
            finished_at=now(),
            error=message,
            log_uri=log_uri or self.records[name].log_uri,  # what a lost step printed
        )
        self._record(failed)

    def _record(self, step_run: StepRun) -> None:
        self.status[step_run.step] = step_run.status
        self.records[step_run.step] = step_run
        self.unsaved_steps[step_run.step] = step_run  # the latest record of a step wins
        self.unsent.append(step_run)
        if step_run.status is RunStatus.COMPLETED and step_run.cache_key:
            self.completed_keys.setdefault(step_run.cache_key, step_run.step)
        if step_run.status in _SETTLED:
            self._settle(step_run)

    def _before_wait(self) -> None:
        """The loop is about to block on the orchestrator: tell listeners what changed,
        and write the buffered records now or, if the last write is recent, have the
        flusher write them should the wait last (runtime/flusher.py says why)."""
        self._send()
        if time.monotonic() - self.flushed_at >= FLUSH_EVERY_S:
            self.flush()
        else:
            self.flusher.arm()

    def _send(self) -> None:
        events, self.unsent = self.unsent, []
        if self.on_event is not None:  # listeners print; none of them reads state
            for step_run in events:
                self.on_event(step_run)

    def flush(self) -> None:
        """Write the buffered records: one transaction where the store can batch.

        Called by the loop (never while the flusher may write: see _before_wait) and by
        the flusher while the loop is blocked. Artifact records go first, so a
        `completed` record never names an artifact that is not recorded. If the write
        fails, the records go back to the buffer (a newer record of a step still wins)
        and the error propagates.
        """
        steps, artifacts = self.unsaved_steps, self.unsaved_artifacts
        self.unsaved_steps, self.unsaved_artifacts = {}, []
        self.flushed_at = time.monotonic()
        try:
            batch = getattr(self.store, "record_batch", None)
            if callable(batch):
                batch(list(steps.values()), artifacts)
            else:
                if artifacts:
                    self.store.record_artifacts(artifacts)
                for step_run in steps.values():
                    self.store.record_step(step_run)
        except BaseException:
            self.unsaved_steps = {**steps, **self.unsaved_steps}
            self.unsaved_artifacts = artifacts + self.unsaved_artifacts
            raise
        # named versions, metadata and consumed inputs, after the artifact records they
        # point at (their own transactions, each skipped when it has nothing to write)
        self.publisher.flush()
        self._send()

    def _wrote(self, *uris: str) -> None:
        self.written.extend(uri for uri in uris if uri)

    def sync(self) -> None:
        """Make what this run wrote durable, in one batch (stores that buffer writes
        define ``sync(uris)``; the others publish durably in ``put``)."""
        sync = getattr(self.stack.artifact_store, "sync", None)
        if callable(sync) and self.written:
            sync(self.written)
            self.written.clear()

    def cancel(self) -> None:
        for name, status in list(self.status.items()):
            if status in (RunStatus.PENDING, RunStatus.RUNNING):
                self._record(
                    replace(self.records[name], status=RunStatus.CANCELLED, finished_at=now())
                )

    def error(self) -> StepFailedError:
        name, message = self.failures[0]
        more = len(self.failures) - 1
        if more:
            message += f" (and {more} more failed step{'s' if more > 1 else ''})"
        again = "after the fix, run it again: finished steps come from the cache"
        if name in self.records and not self.records[name].log_uri:
            # No log was stored (e.g. a read-only or full artifact store): `runs logs`
            # would show nothing, so point at the store instead.
            store = self.stack.artifact_store.root
            hint = f"its logs could not be saved; check that {store} is writable; {again}"
        else:
            hint = f"see `stackctl runs logs {self.run.id[:8]} {name}`; {again}"
        return StepFailedError(message, step=name, run_id=self.run.id, hint=hint)
