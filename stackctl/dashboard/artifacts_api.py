"""/api/artifacts...: the named-artifact pages' data as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Route

from stackctl.dashboard import artifacts, params
from stackctl.dashboard.responses import SafeJSONResponse
from stackctl.dashboard.source import ReadStore, Source

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

ENDPOINTS = {
    "/api/artifacts": "named artifacts, the latest version of each",
    "/api/artifacts/{name}": "every version of a named artifact, newest first",
    "/api/artifacts/{name}/{version}": "one version (number, tag or latest): metadata, "
    "consumers, lineage and visualizations; ?direction=downstream",
}


def _store(request: Request) -> ReadStore:
    src: Source = request.app.state.source  # as api.source(): the app's one Source
    return src.store()


def names(request: Request) -> Response:
    return SafeJSONResponse(artifacts.names(_store(request)))


def versions(request: Request) -> Response:
    name = params.name(request.path_params["name"], "artifact")
    return SafeJSONResponse(artifacts.versions(_store(request), name))


def version(request: Request) -> Response:
    name, selected = artifacts.selected(request.path_params["name"], request.path_params["version"])
    downstream = request.query_params.get("direction") == "downstream"
    return SafeJSONResponse(artifacts.detail(_store(request), name, selected, downstream))


def routes() -> list[Route]:
    return [
        Route("/api/artifacts", names),
        Route("/api/artifacts/{name}", versions),
        Route("/api/artifacts/{name}/{version}", version),
    ]
