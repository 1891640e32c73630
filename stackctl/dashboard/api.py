"""The JSON API under /api/: the same data the pages show, for scripts and the live view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.responses import StreamingResponse
from starlette.routing import Route

from stackctl.dashboard import artifacts_api, compare, declared, logs, params, runs
from stackctl.dashboard.responses import SafeJSONResponse
from stackctl.dashboard.source import source, spec_or_none

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

ENDPOINTS = {
    "/api/stacks": "declared stacks with components, active marker, last run, run count",
    "/api/stacks/{name}": "a stack's components (resolved, secrets redacted) and its runs",
    "/api/components": "declared components",
    "/api/flavors": "known flavors",
    "/api/pipelines": "declared pipelines with run counts",
    "/api/runs": "runs newest first; ?stack= &pipeline= &status= &limit= &offset=",
    "/api/runs/{id}": "a run with its steps, artifacts and DAG",
    "/api/runs/{id}/artifacts": "a run's artifact records",
    "/api/runs/{id}/steps/{step}": "one step run with its artifacts",
    "/api/runs/{id}/steps/{step}/logs": "a step's log (first 200 KB) as JSON",
    "/api/runs/{id}/steps/{step}/logs/raw": "a step's whole log as text/plain",
    "/api/applies": "state history newest first; ?limit= &offset=",
    **artifacts_api.ENDPOINTS,
    **compare.ENDPOINTS,
}


def index(request: Request) -> Response:
    return SafeJSONResponse({"read_only": True, "endpoints": ENDPOINTS})


def stacks(request: Request) -> Response:
    return SafeJSONResponse({"stacks": declared.stacks(source(request))})


def stack(request: Request) -> Response:
    name = params.name(request.path_params["name"], "stack")
    limit, offset = params.page(request.query_params)
    return SafeJSONResponse(declared.stack(source(request), name, limit, offset))


def components(request: Request) -> Response:
    return SafeJSONResponse({"components": declared.components(source(request))})


def flavors(request: Request) -> Response:
    return SafeJSONResponse({"flavors": declared.flavors()})


def pipelines(request: Request) -> Response:
    return SafeJSONResponse({"pipelines": declared.pipelines(source(request))})


def run_list(request: Request) -> Response:
    query = params.run_query(request.query_params)
    return SafeJSONResponse(runs.page(source(request).store(), **query))


def run(request: Request) -> Response:
    src = source(request)
    run_id = params.run_id(request.path_params["run_id"])
    return SafeJSONResponse(runs.detail(src.store(), run_id, spec_or_none(src)))


def artifacts(request: Request) -> Response:
    store = source(request).store()
    found = store.run(params.run_id(request.path_params["run_id"]))
    return SafeJSONResponse(
        {"run_id": found.id, "artifacts": [runs.artifact(a) for a in store.artifacts(found.id)]}
    )


def step(request: Request) -> Response:
    store = source(request).store()
    found = store.run(params.run_id(request.path_params["run_id"]))
    record = runs.find_step(store, found, params.name(request.path_params["step"], "step"))
    return SafeJSONResponse(runs.step(found.id, record, store.artifacts(found.id)))


def step_logs(request: Request) -> Response:
    store = source(request).store()
    found = store.run(params.run_id(request.path_params["run_id"]))
    record = runs.find_step(store, found, params.name(request.path_params["step"], "step"))
    text = logs.read(record.log_uri)
    return SafeJSONResponse(
        {
            "run_id": found.id,
            "step": record.step,
            "log_uri": record.log_uri,
            "size": text.size,
            "truncated": text.truncated,
            "limit": logs.LIMIT,
            "text": text.text,
            "error": text.error,
            "raw_url": "/api" + runs.step_url(found.id, record.step) + "/logs/raw",
        }
    )


def step_logs_raw(request: Request) -> Response:
    store = source(request).store()
    found = store.run(params.run_id(request.path_params["run_id"]))
    record = runs.find_step(store, found, params.name(request.path_params["step"], "step"))
    if not record.log_uri:
        raise HTTPException(404, f"step {record.step!r} of run {found.id} has no log")
    try:
        chunks = logs.stream(record.log_uri)
    except Exception as exc:  # missing file, unreachable store: a 404 with the reason
        raise HTTPException(404, f"the log at {record.log_uri} cannot be read: {exc}") from None
    name = f"{found.id}-{record.step}.log"
    return StreamingResponse(
        chunks,
        media_type="text/plain; charset=utf-8",
        headers={"content-disposition": f'inline; filename="{name}"'},
    )


def applies(request: Request) -> Response:
    limit, offset = params.page(request.query_params)
    return SafeJSONResponse(declared.applies(source(request), limit, offset))


def not_found(request: Request) -> Response:
    raise HTTPException(404, f"no API endpoint {request.url.path}")


def routes() -> list[Route]:
    steps = "/api/runs/{run_id}/steps/{step}"
    return [
        Route("/api", index),
        Route("/api/", index),
        Route("/api/stacks", stacks),
        Route("/api/stacks/{name}", stack),
        Route("/api/components", components),
        Route("/api/flavors", flavors),
        Route("/api/pipelines", pipelines),
        Route("/api/runs", run_list),
        Route("/api/runs/{run_id}", run),
        Route("/api/runs/{run_id}/artifacts", artifacts),
        Route(steps, step),
        Route(steps + "/logs", step_logs),
        Route(steps + "/logs/raw", step_logs_raw),
        Route("/api/applies", applies),
        *compare.api_routes(),
        *artifacts_api.routes(),
        Route("/api/{rest:path}", not_found),
    ]
