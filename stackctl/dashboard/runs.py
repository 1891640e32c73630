"""Run records as JSON-ready dicts: run lists with filters, a run with its steps, a step.

The same dicts feed the JSON API and the HTML templates, so both always agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

from stackctl import timefmt
from stackctl.dashboard import logs
from stackctl.dashboard.source import ReadStore
from stackctl.errors import NotFoundError
from stackctl.model import ArtifactRecord, ProjectSpec, Run, RunStatus, StepRun, redact
from stackctl.runtime.liveness import effective_status, step_status
from stackctl.runtime.previews import shown_preview
from stackctl.state.clock import database_now

PAGE = 500  # records per store query when a whole history is scanned


def run_url(run_id: str) -> str:
    return f"/runs/{quote(run_id, safe='')}"


def step_url(run_id: str, step: str) -> str:
    return f"{run_url(run_id)}/steps/{quote(step, safe='')}"


def output_url(run_id: str, step: str, output: str) -> str:
    """The page of one output of a run (its record, metadata and visualizations)."""
    return f"{run_url(run_id)}/outputs/{quote(step, safe='')}/{quote(output, safe='')}"


def iter_runs(
    store: ReadStore, *, stack: str | None = None, pipeline: str | None = None
) -> Iterator[Run]:
    """Every matching run, newest first, fetched a page at a time."""
    offset = 0
    while True:
        batch = store.runs(stack=stack, pipeline=pipeline, limit=PAGE, offset=offset)
        yield from batch
        if len(batch) < PAGE:
            return
        offset += PAGE


def summary(run: Run, at: datetime | None = None) -> dict[str, Any]:
    """A run as one row of a table (``at``: now on the state's clock, state.clock)."""
    return {
        "id": run.id,
        "pipeline": run.pipeline,
        "stack": run.stack,
        "status": effective_status(run, at),
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "duration_s": timefmt.between(run.started_at, run.finished_at),
        "url": run_url(run.id),
    }


def page(
    store: ReadStore,
    *,
    stack: str | None = None,
    pipeline: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """One page of runs, newest first, with ``next_offset`` when there are more."""
    at = database_now(store)
    if status is None:
        rows = store.runs(stack=stack, pipeline=pipeline, limit=limit + 1, offset=offset)
    else:  # the store cannot filter by status: scan and skip
        matching = (r for r in iter_runs(store, stack=stack, pipeline=pipeline))
        rows = []
        seen = 0
        for run in matching:
            if effective_status(run, at) != status:
                continue
            if seen >= offset:
                rows.append(run)
                if len(rows) > limit:
                    break
            seen += 1
    more = len(rows) > limit
    return {
        "runs": [summary(r, at) for r in rows[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
        "filters": {"stack": stack, "pipeline": pipeline, "status": status},
    }


def artifact(record: ArtifactRecord) -> dict[str, Any]:
    return {
        "step": record.step,
        "name": record.name,
        "uri": record.uri,
        "digest": record.digest,
        "size": record.size,
        "materializer": record.materializer,
        "type": record.type,
        # what `stackctl run` prints for it: the value of a scalar, a frame's shape
        "preview": shown_preview(record.preview, record.type),
        "producer_run_id": record.producer_run_id or record.run_id,
        "url": output_url(record.run_id, record.step, record.name),
    }


def placement(run: Run, step_name: str) -> str:
    """Where a step ran (``ray 192.0.2.2 pid 16617``), from ``run.extra["ran_on"]``, the
    record the ray/dask step operators and the ray orchestrator leave; "" when it has none
    (a step that ran in the run's own process)."""
    placed = run.extra.get("ran_on")
    where = placed.get(step_name) if isinstance(placed, dict) else None
    if where is None:
        return ""
    if not isinstance(where, dict):
        return str(where)
    return f"{where.get('executor', '?')} {where.get('address', '?')} pid {where.get('pid', '?')}"


def step(
    run_id: str, record: StepRun, artifacts: list[ArtifactRecord], ran_on: str = ""
) -> dict[str, Any]:
    """A step run with its outputs and links (``ran_on``: `placement`)."""
    cached = record.status == RunStatus.CACHED or bool(record.cached_from)
    url = step_url(run_id, record.step)
    caption = [str(record.status)]
    if record.duration_s is not None:
        caption.append(timefmt.duration(record.duration_s))
    if cached and record.status != RunStatus.CACHED:
        caption.append("cached")
    return {
        "step": record.step,
        "status": str(record.status),
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "duration_s": record.duration_s,
        "duration": timefmt.duration(record.duration_s),
        "caption": " \u00b7 ".join(caption),
        "attempts": record.attempts,
        "ran_on": ran_on,
        "cached": cached,
        "cached_from": record.cached_from,
        "cache_key": record.cache_key,
        "error": record.error,
        # a failure's cause in sight: the end of its log (the traceback), not only a link
        "traceback": logs.tail(record.log_uri) if record.status == RunStatus.FAILED else "",
        "log_uri": record.log_uri,
        "url": url,
        "logs_url": "/api" + url + "/logs",
        "raw_logs_url": "/api" + url + "/logs/raw",
        "artifacts": [artifact(a) for a in artifacts if a.step == record.step],
    }


def pending(run_id: str, name: str) -> dict[str, Any]:
    """A step the run has not reached yet (declared, no record)."""
    return step(run_id, StepRun(run_id, name, RunStatus.PENDING), [])


def find_step(store: ReadStore, run: Run, name: str) -> StepRun:
    for record in store.steps(run.id):
        if record.step == name:
            return record
    raise NotFoundError(f"run {run.id} has no step {name!r}")


def run_fields(run: Run, at: datetime | None = None) -> dict[str, Any]:
    """Everything about a run except its steps; the snapshot is redacted once more
    (defence in depth: a secret must never reach a page even if a writer slipped)."""
    return {
        **summary(run, at),
        "params": redact(dict(run.params)),
        "pipeline_version": run.pipeline_version,
        "stack_snapshot": redact(dict(run.stack_snapshot)),
        "extra": redact(dict(run.extra)),
        # an interrupted run will not change: its page stops polling
        "live": effective_status(run, at) == RunStatus.RUNNING.value,
    }


def _inferred_edges(
    records: list[StepRun], artifacts: list[ArtifactRecord]
) -> list[tuple[str, str]]:
    """Edges read off the records: a step's cache key names each input artifact's digest
    (``input:<arg>``), and the run's artifact records say which step wrote it."""
    producers: dict[str, set[str]] = {}
    for record in artifacts:
        producers.setdefault(record.digest, set()).add(record.step)
    edges = set()
    for step_run in records:
        for part, digest in step_run.cache_parts.items():
            if part.startswith("input:"):
                edges |= {
                    (p, step_run.step) for p in producers.get(digest, ()) if p != step_run.step
                }
    return sorted(edges)


def _edges(
    run: Run, spec: ProjectSpec | None, records: list[StepRun], artifacts: list[ArtifactRecord]
) -> tuple[list[tuple[str, str]], list[str]]:
    """The run's step edges and the declared step order.

    First choice: the compiled DAG a runtime recorded in ``run.extra["edges"]``; then the
    pipeline as declared now; for a pipeline that is not declared (an SDK script), the
    edges read off the step and artifact records.
    """
    declared: list[str] = []
    edges: list[tuple[str, str]] = []
    if spec is not None and run.pipeline in spec.pipelines:
        pipeline = spec.pipelines[run.pipeline]
        declared = [s.name for s in pipeline.steps]
        edges = [(up, s.name) for s in pipeline.steps for up in s.upstream]
    else:
        edges = _inferred_edges(records, artifacts)
    recorded = run.extra.get("edges")
    if isinstance(recorded, list) and all(
        isinstance(e, list | tuple) and len(e) == 2 and all(isinstance(x, str) for x in e)
        for e in recorded
    ):
        edges = [(str(a), str(b)) for a, b in recorded]
    return edges, declared


def detail(store: ReadStore, run_id: str, spec: ProjectSpec | None) -> dict[str, Any]:
    """A run with every step (pending ones too while it runs), its artifacts and DAG."""
    from stackctl.dashboard import dag

    run = store.run(run_id)
    records = store.steps(run.id)
    artifacts = store.artifacts(run.id)
    edges, declared = _edges(run, spec, records, artifacts)
    at = database_now(store)
    shown = effective_status(run, at)
    steps = [step(run.id, r, artifacts, placement(run, r.step)) for r in records]
    for drawn, record in zip(steps, records, strict=True):
        if (marked := step_status(record, shown)) != drawn["status"]:
            drawn["status"] = marked
            drawn["caption"] = marked
    if shown in (RunStatus.RUNNING.value, RunStatus.PENDING.value):
        seen = {r.step for r in records}
        steps += [pending(run.id, n) for n in declared if n not in seen]
    rank = {n: i for i, n in enumerate(declared)}
    steps.sort(key=lambda s: rank.get(s["step"], len(rank)))
    return {
        "run": run_fields(run, at),
        "steps": steps,
        "artifacts": [artifact(a) for a in artifacts],
        "dag": dag.drawing(steps, edges),
    }
