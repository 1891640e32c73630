"""The run loop: starts each step whose inputs are ready and records what becomes of it.

For each ready step it imports the function, checks its arguments, computes the cache
key and either links a cache hit's artifacts (runtime/hits.py) or submits
``execute_step`` to the orchestrator; each change is recorded through the write-behind
buffer (runtime/records.py). A failed step makes its dependents ``skipped`` while
independent branches finish.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from stackctl.components.orchestrators.base import Finished, Session
from stackctl.errors import StepFailedError
from stackctl.frozen import replace
from stackctl.model import ArtifactRecord, PipelineSpec, Run, RunStatus, StepRun, StepSpec
from stackctl.runtime import steplog
from stackctl.runtime.binding import check_arguments
from stackctl.runtime.cache import CodeDigests, cache_key, cache_parts
from stackctl.runtime.flusher import Flusher
from stackctl.runtime.hits import CacheHits
from stackctl.runtime.imports import StepError, ensure_on_path, import_function
from stackctl.runtime.operators import task_function
from stackctl.runtime.params import step_params
from stackctl.runtime.publish import Publisher
from stackctl.runtime.records import RunRecords
from stackctl.runtime.stack import ActiveStack
from stackctl.runtime.task import StepResult, StepTask, now, store_log
from stackctl.state.base import StateStore

# a step in one of these states lets its dependents start, or skips them
_SETTLED = (RunStatus.COMPLETED, RunStatus.CACHED, RunStatus.FAILED, RunStatus.SKIPPED)


class RunLoop:
    """Schedules a run's steps on the orchestrator and records what becomes of each."""

    def __init__(
        self,
        spec: PipelineSpec,
        stack: ActiveStack,
        store: StateStore,
        run: Run,
        root: Path,
        cache: bool,
        on_event: Callable[[StepRun], None] | None,
        backoff_s: float,
    ) -> None:
        self.spec, self.stack, self.store, self.run = spec, stack, store, run
        self.run_lock = threading.Lock()  # the run record: this loop and its heartbeat
        self.root, self.cache, self.backoff_s = root, cache, backoff_s
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
        self.publisher = Publisher(store, run.id)  # named versions, metadata, lineage
        # write-behind: records wait there until the loop is about to block (or ends),
        # then go to the state store in one transaction
        self.buffer = RunRecords(store, self.publisher, on_event)
        self.flusher = Flusher(self.buffer.flush)
        self.hits = CacheHits(store, stack.artifact_store)
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
                self.before_wait()
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
            self.buffer.wrote(log_uri)
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
            backoff_s=self.backoff_s,
            alerter=self.stack.components.get("alerter"),
            data_validator=self.stack.components.get("data_validator"),
            feature_store=self.stack.components.get("feature_store"),
        )

    def _link_cached(self, running: StepRun, step: StepSpec, clock: float) -> bool:
        """Reuse a previous step run with the same key whose artifacts still exist."""
        hit = self.hits.find(running.cache_key, step.outputs)
        if hit is None:
            return False
        producer, artifacts = hit
        linked = [  # this step's records: the hit may be on a step of another name
            replace(
                a,
                run_id=self.run.id,
                step=step.name,
                producer_run_id=a.producer_run_id or a.run_id,
            )
            for a in artifacts
        ]
        self.buffer.add_artifacts(linked)
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
        self.buffer.wrote(log, *(a.uri for a in result.artifacts))
        if result.tracker_run_id:
            self._link_tracker_run(name, result.tracker_run_id)
        if result.ran_on:
            self._ran_on(name, result.ran_on)
        if not result.ok:
            self.failures.append((name, result.error))
            self._record(replace(base, status=RunStatus.FAILED, error=result.error))
            return
        self.buffer.add_artifacts(result.artifacts)
        self.outputs[name] = {a.name: a for a in result.artifacts}
        self.publisher.produced(self.steps[name], result.artifacts, result.metadata)
        completed = replace(base, status=RunStatus.COMPLETED)
        self.hits.completed(completed, result.artifacts)
        self._record(completed)

    def _link_tracker_run(self, step: str, tracker_run_id: str) -> None:
        """Record the experiment tracker's run of a step in ``Run.extra`` (`runs show`)."""
        tracker = self.stack.experiment_tracker
        linked = dict(self.run.extra.get("experiment_tracker") or {})
        linked["name"] = tracker.name if tracker is not None else ""
        linked["runs"] = {**linked.get("runs", {}), step: tracker_run_id}
        with self.run_lock:  # not interleaved with a heartbeat's copy of the record
            self.run = replace(self.run, extra={**self.run.extra, "experiment_tracker": linked})
            self.buffer.flush()
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
        self.buffer.step(step_run)
        if step_run.status in _SETTLED:
            self._settle(step_run)

    def before_wait(self) -> None:
        """The loop is about to block on the orchestrator: tell listeners what changed,
        and write the buffered records now or, if the last write is recent, have the
        flusher write them should the wait last (runtime/flusher.py says why)."""
        self.buffer.send()
        if self.buffer.due():
            self.buffer.flush()
        else:
            self.flusher.arm()

    def finish_records(self) -> None:
        """Every artifact durable, then every buffered record in state (the way out of
        the run, after the flusher stopped)."""
        self.buffer.sync(self.stack.artifact_store)
        self.buffer.flush()

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
