"""The Models pages: /models (every model, its versions and stages) and
/models/<name>/versions/<n> (one version: its run, artifacts, metadata, stage history)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.exceptions import HTTPException

from stackctl.dashboard import artifacts as outputs
from stackctl.dashboard import params
from stackctl.dashboard.responses import page
from stackctl.dashboard.runs import output_url, run_url, summary
from stackctl.dashboard.source import source
from stackctl.model import ArtifactRecord, ModelVersion

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response


def version_url(model: str, version: int) -> str:
    return f"/models/{quote(model, safe='')}/versions/{version}"


def _version(v: ModelVersion) -> dict[str, Any]:
    return {
        "version": v.version,
        "stage": v.stage,
        "created_at": v.created_at,
        "run_id": v.run_id,
        "run_url": run_url(v.run_id),
        "url": version_url(v.model, v.version),
    }


def _artifact(a: ArtifactRecord, model: bool, named: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One output of the version's run, linked as the run page links it: to the named
    version it published, else to the output's own page."""
    label = f"{a.step}.{a.name}"
    url = named[label]["url"] if label in named else output_url(a.run_id, a.step, a.name)
    return {
        "label": label,
        "type": a.type,
        "size": a.size,
        "digest": a.digest,
        "model": model,
        "url": url,
    }


def models_page(request: Request) -> Response:
    store = source(request).store()
    models = [
        {
            "name": m.name,
            "description": m.description,
            "tags": list(m.tags),
            "latest": m.latest,
            "stages": {s: version_url(m.name, n) for s, n in m.stages.items()},
            "stage_versions": dict(m.stages),
            "versions": [_version(v) for v in store.model_versions(m.name)],
        }
        for m in store.models()
    ]
    return page(request, "models.html", models=models)


def version_page(request: Request) -> Response:
    store = source(request).store()
    name = params.name(request.path_params["name"], "model")
    raw = request.path_params["version"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise HTTPException(404, f"model {name!r} has no version {raw!r}")
    found = store.model_version(name, str(int(raw)))
    run = store.run(found.run_id)
    from stackctl.runtime.models import model_artifact

    artifacts = store.artifacts(run.id)
    main = model_artifact(artifacts)
    named = outputs.named_outputs(store, run.id)  # a named version's page before the output's
    data = {
        "model": name,
        **_version(found),
        "metadata": dict(found.metadata),
        "run": summary(run),
        "artifacts": [_artifact(a, a is main, named) for a in artifacts],
        "history": [asdict(c) for c in store.stage_history(name, found.version)],
    }
    return page(request, "model_version.html", data=data)
