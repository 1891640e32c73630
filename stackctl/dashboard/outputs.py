"""One output of a run, at /runs/<id>/outputs/<step>/<output>: its record, metadata and
visualizations (named or not: the run page links every output here, or to its named
version), and each visualization's bytes at .../visualizations/<name>."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from stackctl.dashboard import artifacts, params, runs, visualizations
from stackctl.dashboard.responses import page
from stackctl.dashboard.source import ReadStore, source
from stackctl.errors import NotFoundError
from stackctl.model import ArtifactRecord
from stackctl.runtime.metadata_view import cards, output_metadata

if TYPE_CHECKING:
    from starlette.requests import Request


def _record(store: ReadStore, run_id: str, step: str, output: str) -> ArtifactRecord:
    for record in store.artifacts(run_id):
        if record.step == step and record.name == output:
            return record
    raise NotFoundError(f"run {run_id} has no output {step}.{output}")


def detail(store: ReadStore, run_id: str, step: str, output: str) -> dict[str, Any]:
    """An output with its metadata (plain keys and cards) and visualizations."""
    run = store.run(run_id)
    record = _record(store, run.id, step, output)
    entries = store.metadata(run.id)
    plain, grouped = cards(output_metadata(entries).get((step, output), {}))
    named = artifacts.named_outputs(store, run.id).get(f"{step}.{output}")
    return {
        "run": runs.summary(run),
        "artifact": {**runs.artifact(record), "step_url": runs.step_url(run.id, step)},
        "named": named,
        "metadata": plain,
        "cards": grouped,
        "visualizations": visualizations.shown(entries, run.id, step, output),
    }


def _names(request: Request) -> tuple[str, str, str]:
    path = request.path_params
    return (
        params.run_id(path["run_id"]),
        params.name(path["step"], "step"),
        params.name(path["output"], "output"),
    )


def output_page(request: Request) -> Response:
    run_id, step, output = _names(request)
    store = source(request).store()
    found = store.run(run_id)
    if found.id != run_id:  # a unique prefix: to the stable URL
        return RedirectResponse(runs.output_url(found.id, step, output), status_code=302)
    return page(request, "artifact_output.html", data=detail(store, run_id, step, output))


def visualization(request: Request) -> Response:
    """The bytes of one visualization, digest-checked; HTML only with FRAME_CSP."""
    run_id, step, output = _names(request)
    name = params.name(request.path_params["name"], "visualization")
    store = source(request).store()
    record = visualizations.find(store.metadata(store.run(run_id).id), step, output, name)
    content, media_type = visualizations.body(record, visualizations.read(record))
    headers = {"cache-control": "no-store"}
    if media_type.startswith("text/html"):
        # the dashboard's own CSP and X-Frame-Options: DENY would forbid the frame;
        # this one forbids everything else (SecurityHeaders keeps what a route set)
        headers.update(
            {"content-security-policy": visualizations.FRAME_CSP, "x-frame-options": "SAMEORIGIN"}
        )
    return Response(content, media_type=media_type, headers=headers)


def routes() -> list[Route]:
    return [
        Route("/runs/{run_id}/outputs/{step}/{output}", output_page),
        Route("/runs/{run_id}/outputs/{step}/{output}/visualizations/{name}", visualization),
    ]
