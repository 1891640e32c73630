"""Executing one step: the picklable, pure task function every orchestrator runs.

``execute_step`` loads the inputs from the artifact store (never from memory), runs the
function with retries and backoff, writes every output through a materializer, stores the
captured stdout/stderr as a log artifact and returns records. It never raises for a step
problem (the result says what failed) and touches no state store: the run loop in the
main process records everything.
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from stackctl import lines
from stackctl.components.artifact_stores.base import VerifiedStore, Writer
from stackctl.model import ArtifactRecord, MetadataEntry
from stackctl.runtime import materializers, metadata, tracebacks, visualizations
from stackctl.runtime.binding import check_types
from stackctl.runtime.capture import captured
from stackctl.runtime.context import StepContext, step_context
from stackctl.runtime.imports import StepError, import_function
from stackctl.runtime.previews import recorded_preview
from stackctl.runtime.steplog import StepLog
from stackctl.runtime.task import StepResult, StepTask, now


def execute_step(task: StepTask) -> StepResult:
    """Run one step to completion (or failure) and persist its outputs and log."""
    started, clock = now(), time.perf_counter()
    header = f"run {task.run_id} stack {task.stack} step {task.step.name}\n"
    # written to the store as it comes: a killed step keeps what it printed
    log = StepLog(task.artifact_store, task.run_id, task.step.name, header)
    attempts, error = 0, ""
    artifacts: tuple[ArtifactRecord, ...] = ()
    warnings: list[str] = []
    tracked: Any = None
    entries: tuple[MetadataEntry, ...] = ()
    logged = metadata.collecting(task.run_id, task.step)
    failure: BaseException | None = None
    try:
        function = import_function(task.step.function, task.root)
        values = {name: _load(task, name, record) for name, record in task.inputs.items()}
        check_types(function, {**task.params, **values})
        with logged as collected:
            with _tracked(task) as tracked:
                result, attempts = _call(task, function, {**task.params, **values}, log)
            artifacts = tuple(
                _write(task, name, value, warnings) for name, value in _split(task, result)
            )
            entries = collected.entries()
    except StepError as exc:
        attempts = attempts or exc.attempts
        error = f"step {task.step.name!r} failed: {exc.message}"
        log.write(f"{exc.detail}\nerror: {error}\n" if exc.detail else f"error: {error}\n")
        failure = exc.cause or exc
    except Exception as exc:  # the tracker or a plugin broke: still a one-line failure
        error = f"step {task.step.name!r} failed: {type(exc).__name__}: {_first_line(exc)}"
        log.write(f"{traceback.format_exc()}\nerror: {error}\n")
        failure = exc
    except BaseException:  # Ctrl-C cancels the run: what the step printed stays stored
        log.close()
        raise
    for warning in warnings:
        log.write(f"warning: {warning}\n")
    hooks = task.step.on_failure if error else task.step.on_success
    if hooks:  # after the last attempt, in this (the worker's) process
        _step_hooks(task, hooks, failure, error, log)
    return StepResult(
        step=task.step.name,
        ok=not error,
        attempts=attempts,
        started_at=started,
        finished_at=now(),
        duration_s=time.perf_counter() - clock,
        artifacts=artifacts,
        # a silent, successful step has no log to keep (half the writes of a small step)
        log_uri=log.close(),
        error=error,
        warnings=tuple(warnings),
        tracker_run_id=getattr(tracked, "id", "") or "",
        metadata=() if error else entries,
    )


def _step_hooks(
    task: StepTask,
    refs: tuple[str, ...],
    failure: BaseException | None,
    error: str,
    log: StepLog,
) -> None:
    """The step's on_failure / on_success hooks; a failing one is a warning line in the
    step log and on the terminal, never a change of the step's outcome."""
    from stackctl.runtime.hooks import HookContext, run_hooks

    if isinstance(failure, StepError):  # not raised by the step function: no exception
        error, failure = failure.message, None
    context = HookContext(
        event="on_failure" if error else "on_success",
        run_id=task.run_id,
        pipeline=task.pipeline,
        stack=task.stack,
        step=task.step.name,
        error_type=type(failure).__name__ if failure is not None else "",
        # the cause's own line (not "step 'x' failed: ..."), as the alert shows it
        error=_first_line(failure) if failure is not None else error,
        traceback="\n".join(tracebacks.tail(failure)) if failure is not None else "",
        exception=failure,
        alerter=task.alerter,
    )
    step = StepContext(
        task.run_id,
        task.pipeline,
        task.step.name,
        task.stack,
        max(1, task.step.retries + 1),
        task.components,
        task.artifact_store,
        task.experiment_tracker,
        task.alerter,
    )

    failed: list[str] = []
    # get_step_context() works in a hook, as in ZenML; what it prints goes to the log
    with step_context(step), _captured(log, task.step.name):
        run_hooks(refs, context, lambda ref: import_function(ref, task.root), failed.append)
    for line in failed:  # outside the capture, which would echo the line a second time
        log.write(f"warning: {line}\n")
        lines.emit(task.step.name, f"warning: {line}")


def _load(task: StepTask, name: str, record: ArtifactRecord) -> Any:
    try:
        # The view hashes what the materializer reads before it deserialises it.
        verified = VerifiedStore(task.artifact_store, record.digest)
        return materializers.by_name(record.materializer).load(verified, record.uri)
    except Exception as exc:
        raise StepError(
            f"cannot load input {name!r} ({record.step}.{record.name}) from {record.uri}: {exc}",
            traceback.format_exc(),
        ) from None


def _tracked(task: StepTask) -> contextlib.AbstractContextManager[object]:
    """The experiment tracker's run for this step, spanning all attempts."""
    tracker = task.experiment_tracker
    if tracker is None:
        return contextlib.nullcontext()
    return tracker.step_run(task.run_id, task.pipeline, task.step.name)


def _call(
    task: StepTask, function: Callable[..., Any], kwargs: Mapping[str, Any], log: StepLog
) -> tuple[Any, int]:
    tries = task.step.retries + 1
    for attempt in range(1, tries + 1):
        context = StepContext(
            task.run_id,
            task.pipeline,
            task.step.name,
            task.stack,
            attempt,
            task.components,
            task.artifact_store,
            task.experiment_tracker,
            task.alerter,
            data_validator=task.data_validator,
            feature_store=task.feature_store,
        )
        metadata.restart()  # only the attempt that succeeds has its say
        try:
            with step_context(context), _captured(log, task.step.name):
                return function(**kwargs), attempt
        except BaseException as exc:  # SystemExit or a user BaseException: the step's failure
            if isinstance(exc, KeyboardInterrupt):  # Ctrl-C cancels the whole run instead
                raise
            trace = traceback.format_exc()
            log.write(trace)
            if attempt == tries:
                # the user sees where it broke without `runs logs`: the last lines
                _emit_tail(task.step.name, exc)
                tried = f" (after {tries} attempts)" if tries > 1 else ""
                message = f"{type(exc).__name__}: {_first_line(exc)}{tried}"
                raise StepError(message, attempts=attempt, cause=exc) from None
            delay = min(task.backoff_s * 2 ** (attempt - 1), 60.0)
            log.write(f"attempt {attempt} of {tries} failed; retrying in {delay:g}s\n")
            time.sleep(delay)
    raise AssertionError("unreachable")


def _captured(log: StepLog, step: str) -> contextlib.AbstractContextManager[None]:
    """stdout, stderr and log records of the step go to its log (per thread: steps
    may run concurrently in threads of one dask worker)."""
    return captured(log, step)


def _emit_tail(step: str, exc: BaseException) -> None:
    for line in tracebacks.tail(exc):
        lines.emit(step, line)


def _split(task: StepTask, result: Any) -> list[tuple[str, Any]]:
    names = task.step.outputs
    if len(names) == 1:
        return [(names[0], result)]
    if isinstance(result, dict) and set(result) == set(names):
        return [(name, result[name]) for name in names]
    if isinstance(result, tuple | list) and len(result) == len(names):
        return list(zip(names, result, strict=True))
    raise StepError(
        f"returned a {type(result).__name__}, expected a tuple of {len(names)} outputs "
        f"({', '.join(names)})"
    )


def _write(task: StepTask, name: str, value: Any, warnings: list[str]) -> ArtifactRecord:
    tried: list[str] = []
    for materializer in materializers.materializers():
        if not materializer.handles(value):
            continue
        filename = f"{name}.{materializer.extension}"
        try:
            stored = task.artifact_store.put(filename, _writer(materializer, value))
        except OSError as exc:  # the store itself: another materializer will not help
            raise StepError(
                f"cannot write output {name!r} to artifact store {task.artifact_store.name!r} "
                f"({task.artifact_store.root}): {exc.strerror or exc}",
                traceback.format_exc(),
            ) from None
        except Exception as exc:
            tried.append(f"{materializer.name}: {type(exc).__name__}: {_first_line(exc)}")
            continue
        metadata.describe_output(name, value, stored.size)
        shown = visualizations.store(task.artifact_store, name, materializer, value, warnings)
        metadata.attach(visualizations.SCOPE, name, shown)
        if materializer.fallback:
            warnings.append(
                f"output {name!r} ({materializers.type_name(value)}) was stored with the "
                f"{materializer.name} fallback; register a materializer for this type"
            )
        return ArtifactRecord(
            run_id=task.run_id,
            step=task.step.name,
            name=name,
            uri=stored.uri,
            digest=stored.digest,
            size=stored.size,
            materializer=materializer.name,
            type=materializers.type_name(value),
            producer_run_id=task.run_id,
            preview=recorded_preview(value),  # here, where the value is in memory
        )
    raise StepError(
        f"no materializer can write output {name!r} of type "
        f"{materializers.type_name(value)} ({'; '.join(tried) or 'none handles it'})"
    )


def _writer(materializer: materializers.Materializer, value: Any) -> Writer:
    return lambda fp: materializer.write(value, fp)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""
