"""Runs side by side (/compare?runs=A,B) and a numeric key charted across the runs of a
pipeline or the versions of a model (/charts?pipeline=P&key=K, /charts?model=M&key=K).

The rows come from runtime.compare and the points from runtime.series, the same
functions `stackctl runs compare` uses; this module only checks the query and shapes
the page (JSON under /api/compare and /api/charts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.routing import Route

from stackctl.dashboard import params
from stackctl.dashboard.responses import SafeJSONResponse, page
from stackctl.dashboard.runs import PAGE, run_url
from stackctl.dashboard.source import ReadStore, source, spec_or_none
from stackctl.runtime.compare import ABSENT, CompareError, Comparison, Row, load, text
from stackctl.runtime.series import Series, model_series, number, pipeline_series
from stackctl.state.clock import database_now

if TYPE_CHECKING:
    from starlette.datastructures import QueryParams
    from starlette.requests import Request
    from starlette.responses import Response

MAX_RUNS = 20  # columns a page can show side by side
MAX_KEY = 256

ENDPOINTS = {
    "/api/compare": "runs side by side; ?runs=ID,ID[,...] (or runs= repeated)",
    "/api/charts": "a numeric key across runs; ?pipeline= or ?model=, &key=",
}


def run_ids(query: QueryParams) -> list[str]:
    """``runs=a,b`` or ``runs=a&runs=b`` (what the runs list's checkboxes send)."""
    given = [i.strip() for raw in query.getlist("runs") for i in raw.split(",") if i.strip()]
    if len(given) < 2:
        raise params.bad_request(
            "choose at least two runs to compare (tick them in the runs list, then Compare)"
        )
    if len(given) > MAX_RUNS:
        raise params.bad_request(f"at most {MAX_RUNS} runs side by side, not {len(given)}")
    for run_id in given:
        if not params.RUN_ID.match(run_id):
            raise params.bad_request(f"{run_id!r} is not a run id")
    return given


def previous_url(store: ReadStore, run_id: str, pipeline: str) -> str:
    """/compare of a run with the run of its pipeline just before it ("" if none); only
    the newest PAGE runs are looked at (an older run's page gets no link)."""
    newer_first = [r.id for r in store.runs(pipeline=pipeline, limit=PAGE)]
    if run_id not in newer_first:
        return ""
    at = newer_first.index(run_id)
    if at + 1 >= len(newer_first):
        return ""
    return "/compare?" + urlencode({"runs": f"{run_id},{newer_first[at + 1]}"})


def _chart_key(row: Row) -> str | None:
    """The series key of a params/metadata row with a number in it (a chart exists)."""
    if row.section not in ("params", "metadata"):
        return None
    if not any(number(v) is not None for v in row.values if v is not ABSENT):
        return None
    return f"params.{row.key}" if row.section == "params" else row.key


def chart_url(**query: str) -> str:
    return "/charts?" + urlencode(query)


def comparison(result: Comparison) -> dict[str, Any]:
    """The comparison as the page and the API show it."""
    pipelines = {r.pipeline for r in result.runs}
    rows = []
    for row in result.rows:
        key = _chart_key(row) if len(pipelines) == 1 else None
        rows.append(
            {
                "section": row.section,
                "key": row.key,
                "differs": row.differs,
                "timing": row.timing,
                "cells": [text(row, v) for v in row.values],
                "values": {
                    r.id: v for r, v in zip(result.runs, row.values, strict=True) if v is not ABSENT
                },
                "chart_url": chart_url(pipeline=next(iter(pipelines)), key=key) if key else "",
            }
        )
    return {
        "runs": [
            {
                "id": r.id,
                "pipeline": r.pipeline,
                "stack": r.stack,
                "started_at": r.started_at,
                "url": run_url(r.id),
            }
            for r in result.runs
        ],
        "rows": rows,
        "differing": len(result.differing),
        "identical": result.identical,
    }


def _compared(request: Request) -> dict[str, Any]:
    store = source(request).store()
    try:
        found = load(store, run_ids(request.query_params), database_now(store))
    except CompareError as exc:  # the same run ticked twice (a prefix and its id)
        raise params.bad_request(exc.message) from None
    return comparison(found)


def compare_page(request: Request) -> Response:
    data = _compared(request)
    only = request.query_params.get("only") == "differences"
    ids = ",".join(r["id"] for r in data["runs"])
    links = {
        "all": "/compare?" + urlencode({"runs": ids}),
        "differences": "/compare?" + urlencode({"runs": ids, "only": "differences"}),
    }
    return page(request, "compare.html", data=data, only=only, links=links)


def compare_api(request: Request) -> Response:
    data = _compared(request)
    for row in data["rows"]:
        del row["cells"]
    return SafeJSONResponse(data)


def _series(request: Request) -> tuple[str, str, Series | None]:
    """(what: pipeline|model|"", its name, the series) from the query."""
    query = request.query_params
    key = query.get("key", "")
    if len(key) > MAX_KEY:
        raise params.bad_request(f"key must be at most {MAX_KEY} characters")
    store = source(request).store()
    model = params.filter_name(query, "model")
    if model is not None:
        return "model", model, model_series(store, model, key)
    pipeline = params.filter_name(query, "pipeline")
    if pipeline is not None:
        return "pipeline", pipeline, pipeline_series(store, pipeline, key)
    return "", "", None


def _series_json(series: Series) -> dict[str, Any]:
    return {
        "key": series.key,
        "keys": list(series.keys),
        "truncated": series.truncated,
        "points": [vars(p) for p in series.points],
    }


def charts_page(request: Request) -> Response:
    from stackctl.dashboard import charts

    what, name, series = _series(request)
    src = source(request)
    store = src.store()
    spec = spec_or_none(src)
    pipelines = sorted(
        {r.pipeline for r in store.runs(limit=PAGE)} | set(spec.pipelines if spec else ())
    )
    context: dict[str, Any] = {
        "what": what,
        "name": name,
        "pipelines": [{"name": p, "url": chart_url(pipeline=p)} for p in pipelines],
        "models": [{"name": m.name, "url": chart_url(model=m.name)} for m in store.models()],
        "series": _series_json(series) if series else None,
        "keys": [
            {"key": k, "url": chart_url(**{what: name, "key": k})}
            for k in (series.keys if series else ())
        ],
        "chart": charts.drawing(series) if series and series.points else None,
    }
    return page(request, "charts.html", **context)


def charts_api(request: Request) -> Response:
    what, name, series = _series(request)
    if series is None:
        raise params.bad_request("give ?pipeline=NAME or ?model=NAME (and &key=KEY)")
    return SafeJSONResponse({what: name, **_series_json(series)})


def routes() -> list[Route]:
    return [Route("/compare", compare_page), Route("/charts", charts_page)]


def api_routes() -> list[Route]:
    return [Route("/api/compare", compare_api), Route("/api/charts", charts_api)]
