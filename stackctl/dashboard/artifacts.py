"""Named artifacts in the dashboard: the names, the versions of one, and one version with
its metadata, its visualizations (dashboard/visualizations.py) and its lineage drawn
like a run's step DAG (dashboard/dag.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from stackctl.dashboard import dag, visualizations
from stackctl.dashboard.runs import output_url, run_url, step_url
from stackctl.dashboard.source import ReadStore
from stackctl.model import ArtifactSelector, ArtifactVersion
from stackctl.runtime.lineage import Lineage, Node, walk
from stackctl.runtime.metadata_view import cards, output_metadata
from stackctl.runtime.naming import name_problem, version_problem


def selected(name: str, version: str) -> tuple[str, str]:
    """A name and version from a URL path; one that cannot exist is a 404."""
    from starlette.exceptions import HTTPException

    if name_problem(name) or version_problem(version):
        raise HTTPException(404, f"artifact {name!r} has no version {version!r}")
    return name, version


def version_url(name: str, version: int | str) -> str:
    return f"/artifacts/{quote(name, safe='')}/{quote(str(version), safe='')}"


def name_url(name: str) -> str:
    return f"/artifacts/{quote(name, safe='')}"


def version(v: ArtifactVersion) -> dict[str, Any]:
    return {
        **vars(v),
        "tags": list(v.tags),
        "label": v.label,
        "url": version_url(v.name, v.version),
        "run_url": run_url(v.run_id),
        "step_url": step_url(v.run_id, v.step),
    }


def names(store: ReadStore) -> list[dict[str, Any]]:
    return [{**version(v), "name_url": name_url(v.name)} for v in store.artifact_names()]


def versions(store: ReadStore, name: str) -> list[dict[str, Any]]:
    return [version(v) for v in reversed(store.artifact_versions(name))]  # newest first


def named_outputs(store: ReadStore, run_id: str) -> dict[str, dict[str, Any]]:
    """``step.output`` -> the version it published, for the run page's links."""
    return {f"{v.step}.{v.output}": version(v) for v in store.artifact_versions_for_run(run_id)}


def detail(store: ReadStore, name: str, selected: str, downstream: bool) -> dict[str, Any]:
    """One version: record, metadata (plain keys and cards), consumers and lineage."""
    found = store.artifact_version(ArtifactSelector(name, selected))
    entries = store.metadata(found.run_id)
    metadata = output_metadata(entries).get((found.step, found.output), {})
    plain, grouped = cards(metadata)
    lineage = walk(store, found, downstream=downstream)
    return {
        "version": version(found),
        "metadata": plain,
        "cards": grouped,
        "consumers": [
            {**vars(c), "run_url": run_url(c.run_id), "step_url": step_url(c.run_id, c.step)}
            for c in store.consumers(found.run_id, found.step, found.output)
        ],
        "lineage": drawing(lineage),
        "downstream": downstream,
        "truncated": lineage.truncated,
        "visualizations": visualizations.shown(entries, found.run_id, found.step, found.output),
        "output_url": output_url(found.run_id, found.step, found.output),
    }


def _node(node: Node) -> dict[str, Any]:
    if node.kind == "step":
        return {
            "step": node.id,
            "label": f"step {node.step}",
            "caption": f"run {node.run_id[:8]}",
            "status": "step",
            "url": step_url(node.run_id, node.step),
        }
    name, _, number = node.version.partition(":")
    return {
        "step": node.id,
        "label": node.version or f"{node.step}.{node.output}",
        "caption": f"{node.step}.{node.output} · run {node.run_id[:8]}",
        "status": "artifact",
        "url": version_url(name, number) if node.version else run_url(node.run_id),
    }


def drawing(lineage: Lineage) -> dict[str, Any]:
    """The lineage as dag.drawing geometry (edges always point along the data flow)."""
    return dag.drawing([_node(n) for n in lineage.nodes.values()], lineage.edges)
