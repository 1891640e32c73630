"""Everything `stackctl artifacts show NAME[:VERSION|TAG]` tells about one version:
the record, who produced it, its metadata, who consumed it, a preview of the value and
its visualizations (the text forms of CSV and markdown ones)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.errors import StackctlError
from stackctl.frozen import frozen
from stackctl.model import ArtifactSelector, ArtifactVersion, Run, StepInput
from stackctl.runtime.client import load_version
from stackctl.runtime.metadata_view import output_metadata
from stackctl.runtime.previews import preview
from stackctl.runtime.visualizations import Recorded, read, recorded
from stackctl.state.base import StateStore
from stackctl.types import CSV, MARKDOWN

#: Lines of a preview: enough for a DataFrame head, never a whole data set.
PREVIEW_LINES = 12
_PREVIEW_CHARS = 2000
#: Larger objects are not loaded just to preview them (that could take minutes and GBs).
PREVIEW_MAX_BYTES = 256 * 1024 * 1024


@frozen
class VersionInfo:
    version: ArtifactVersion
    run: Run  # the run that published it
    metadata: dict[str, Any]  # materializer's and log_metadata(artifact=...) keys
    consumers: tuple[StepInput, ...]
    preview: str  # "" when not asked for
    visualizations: tuple[ShownVisualization, ...] = ()


@frozen
class ShownVisualization:
    """A recorded visualization and, for the text kinds (CSV, markdown), its text read
    digest-verified from the store when a preview was asked for."""

    record: Recorded
    text: str = ""
    error: str = ""


def version_info(
    state: StateStore,
    selector: ArtifactSelector,
    store_of: Callable[[Run], ArtifactStore] | None = None,
) -> VersionInfo:
    """The version ``selector`` names; with ``store_of`` also a preview of its value
    (loaded digest-verified, like a step would load it)."""
    version = state.artifact_version(selector)
    run = state.run(version.run_id)
    entries = state.metadata(run.id)
    metadata = output_metadata(entries).get((version.step, version.output), {})
    consumers = tuple(state.consumers(version.run_id, version.step, version.output))
    store = store_of(run) if store_of is not None else None
    shown = _preview(store, version) if store is not None else ""
    found = recorded(entries, version.step, version.output)
    views = tuple(_text_form(store, r) for r in found)
    return VersionInfo(version, run, metadata, consumers, shown, views)


#: Characters of a markdown visualization printed (a report, not a book).
TEXT_CHARS = 20_000


def _text_form(store: ArtifactStore | None, record: Recorded) -> ShownVisualization:
    if store is None or record.media_type not in (CSV, MARKDOWN):
        return ShownVisualization(record)
    try:
        text = read(store, record).decode("utf-8", "replace")
    except Exception as exc:  # a deleted or modified object: say so, show the rest
        why = exc.message if isinstance(exc, StackctlError) else str(exc)
        return ShownVisualization(record, error=f"cannot read it: {why.splitlines()[0]}")
    cut = text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS] + "\n..."
    return ShownVisualization(record, cut)


def _preview(store: ArtifactStore, version: ArtifactVersion) -> str:
    if version.size > PREVIEW_MAX_BYTES:
        return f"(not loaded: {version.size} bytes; load it with stackctl.client.load_artifact)"
    try:
        value = load_version(store, version)
    except Exception as exc:  # a deleted or tampered object: say so, show the rest
        return f"(cannot load it: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
    return preview_text(value)


def preview_text(value: Any) -> str:
    """A few lines: a DataFrame's head, JSON values as JSON, else the one-line preview."""
    kind = type(value)
    name = f"{kind.__module__.split('.')[0]}.{kind.__qualname__}"
    if name in ("pandas.DataFrame", "pandas.Series"):
        text = f"{preview(value)}\n{value.head(5).to_string()}"
    elif isinstance(value, dict | list | str | int | float | bool) or value is None:
        try:
            text = json.dumps(value, indent=2, default=str)
        except (TypeError, ValueError):
            text = preview(value)
    else:
        text = preview(value)
    lines = text[:_PREVIEW_CHARS].splitlines()
    if len(lines) > PREVIEW_LINES or len(text) > _PREVIEW_CHARS:
        lines = [*lines[:PREVIEW_LINES], "..."]
    return "\n".join(lines)


def tag_version(state: StateStore, ref: str, tag: str) -> ArtifactVersion:
    """Put ``tag`` on the version ``ref`` names (moving it off any other version)."""
    from stackctl.errors import StackctlError
    from stackctl.runtime.naming import parse_ref, tag_problem

    selector = parse_ref(ref)
    problem = tag_problem(tag)
    if problem:
        raise StackctlError(problem, hint=f"e.g. `stackctl artifacts tag {ref} production`")
    version = state.artifact_version(selector)
    return state.tag_artifact(version.name, version.version, tag)
