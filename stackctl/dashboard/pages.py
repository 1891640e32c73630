"""HTML pages at stable URLs: /, /stacks/<name>, /runs, /runs/<id>, /runs/<id>/steps/<step>,
/pipelines, /components, /applies, /artifacts[/<name>[/<version>]], /models,
/models/<name>/versions/<n>, /compare, /charts."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.responses import RedirectResponse
from starlette.routing import Route

from stackctl.dashboard import artifacts, compare, declared, logs, models, params, runs
from stackctl.dashboard.responses import page
from stackctl.dashboard.source import source, spec_or_none

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response


def _pager(request: Request, next_offset: int | None, limit: int, offset: int) -> dict[str, str]:
    """Links to the previous and next page, keeping the other query parameters."""
    query = dict(request.query_params)
    links = {}
    if offset > 0:
        links["prev"] = "?" + urlencode({**query, "offset": max(offset - limit, 0)})
    if next_offset is not None:
        links["next"] = "?" + urlencode({**query, "offset": next_offset})
    return links


def stacks(request: Request) -> Response:
    return page(request, "stacks.html", stacks=declared.stacks(source(request)))


def stack(request: Request) -> Response:
    name = params.name(request.path_params["name"], "stack")
    limit, offset = params.page(request.query_params, default_limit=100)
    data = declared.stack(source(request), name, limit, offset)
    pager = _pager(request, data["next_offset"], limit, offset)
    return page(request, "stack.html", stack=data, pager=pager)


def run_list(request: Request) -> Response:
    query = params.run_query(request.query_params, default_limit=100)
    data = runs.page(source(request).store(), **query)
    pager = _pager(request, data["next_offset"], query["limit"], query["offset"])
    return page(request, "runs.html", data=data, pager=pager, statuses=params.RUN_STATUSES)


def run(request: Request) -> Response:
    src = source(request)
    given = params.run_id(request.path_params["run_id"])
    data = runs.detail(src.store(), given, spec_or_none(src))
    if data["run"]["id"] != given:  # a unique prefix: send the browser to the stable URL
        return RedirectResponse(data["run"]["url"], status_code=302)
    named = artifacts.named_outputs(src.store(), given)
    previous = compare.previous_url(src.store(), data["run"]["id"], data["run"]["pipeline"])
    return page(request, "run.html", data=data, named=named, compare_url=previous)


def step(request: Request) -> Response:
    store = source(request).store()
    given = params.run_id(request.path_params["run_id"])
    found = store.run(given)
    name = params.name(request.path_params["step"], "step")
    if found.id != given:
        return RedirectResponse(runs.step_url(found.id, name), status_code=302)
    record = runs.find_step(store, found, name)
    return page(
        request,
        "step.html",
        run=runs.summary(found),
        step=runs.step(
            found.id, record, store.artifacts(found.id), runs.placement(found, record.step)
        ),
        log=logs.read(record.log_uri),
        limit=logs.LIMIT,
    )


def pipelines(request: Request) -> Response:
    return page(request, "pipelines.html", pipelines=declared.pipelines(source(request)))


def components(request: Request) -> Response:
    return page(
        request,
        "components.html",
        components=declared.components(source(request)),
        flavors=declared.flavors(),
    )


def applies(request: Request) -> Response:
    limit, offset = params.page(request.query_params, default_limit=100)
    data = declared.applies(source(request), limit, offset)
    pager = _pager(request, data["next_offset"], limit, offset)
    return page(request, "applies.html", data=data, pager=pager)


def artifact_names(request: Request) -> Response:
    return page(request, "artifacts.html", names=artifacts.names(source(request).store()))


def artifact_versions(request: Request) -> Response:
    name = params.name(request.path_params["name"], "artifact")
    found = artifacts.versions(source(request).store(), name)
    return page(request, "artifact_versions.html", name=name, versions=found)


def artifact_version(request: Request) -> Response:
    name, selected = artifacts.selected(request.path_params["name"], request.path_params["version"])
    downstream = request.query_params.get("direction") == "downstream"
    data = artifacts.detail(source(request).store(), name, selected, downstream)
    return page(request, "artifact.html", data=data)


def home_redirect(request: Request) -> Response:
    return RedirectResponse("/", status_code=302)


def routes() -> list[Route]:
    return [
        Route("/", stacks),
        Route("/stacks", home_redirect),
        Route("/stacks/{name}", stack),
        Route("/runs", run_list),
        Route("/runs/{run_id}", run),
        Route("/runs/{run_id}/steps/{step}", step),
        Route("/pipelines", pipelines),
        Route("/components", components),
        Route("/applies", applies),
        Route("/artifacts", artifact_names),
        Route("/artifacts/{name}", artifact_versions),
        Route("/artifacts/{name}/{version}", artifact_version),
        Route("/models", models.models_page),
        Route("/models/{name}/versions/{version}", models.version_page),
        *compare.routes(),
    ]
