"""A numeric metadata key across the runs of a pipeline or the versions of a model: the
data behind the dashboard's metric chart.

Each run contributes its flat keys (runtime.compare: ``params.seed``, ``accuracy``,
``train: loss``...); a model version adds what the version itself recorded. Only finite
numbers are points (a bool is not a number here, a NaN cannot be drawn); a run that did
not log the key is simply not a point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from stackctl.errors import NotFoundError
from stackctl.frozen import frozen
from stackctl.model import MetadataEntry, ModelVersion, Run
from stackctl.runtime.compare import flatten, metadata_keys

#: The newest runs a chart looks at (older ones are left off, and the page says so).
MAX_POINTS = 500


@frozen
class Point:
    run_id: str
    label: str  # what the x axis shows: a short run id, or "v3" for a model version
    at: str  # when the run started (or the version was made)
    value: float


@frozen
class Series:
    """Points oldest first, and every numeric key any of the runs has (to choose from)."""

    key: str
    points: tuple[Point, ...]
    keys: tuple[str, ...]
    truncated: bool = False


class SeriesReader(Protocol):
    def runs(
        self,
        *,
        stack: str | None = None,
        pipeline: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Run]: ...

    def metadata(self, run_id: str) -> list[MetadataEntry]: ...

    def model_versions(self, name: str) -> list[ModelVersion]: ...

    def run(self, run_id: str) -> Run: ...


def number(value: Any) -> float | None:
    """``value`` as a float when it is a finite int/float (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        as_float = float(value)
    except OverflowError:  # an int too large for a float cannot be drawn
        return None
    return as_float if math.isfinite(as_float) else None


def run_keys(run: Run, entries: Iterable[MetadataEntry]) -> dict[str, Any]:
    """A run's chartable keys: its params (``params.NAME``) and its logged metadata."""
    return {**flatten({"params": dict(run.params)}), **metadata_keys(entries)}


def _series(key: str, rows: Sequence[tuple[Point, Mapping[str, Any]]], truncated: bool) -> Series:
    keys = sorted({k for _, flat in rows for k, v in flat.items() if number(v) is not None})
    points = []
    for point, flat in rows:
        value = number(flat.get(key))
        if value is not None:
            points.append(Point(point.run_id, point.label, point.at, value))
    return Series(key, tuple(points), tuple(keys), truncated)


def pipeline_series(store: SeriesReader, pipeline: str, key: str) -> Series:
    """``key`` across the newest MAX_POINTS runs of ``pipeline``, oldest first."""
    runs = store.runs(pipeline=pipeline, limit=MAX_POINTS + 1)
    truncated = len(runs) > MAX_POINTS
    rows = [
        (Point(r.id, r.id[:8], r.started_at, 0.0), run_keys(r, store.metadata(r.id)))
        for r in reversed(runs[:MAX_POINTS])
    ]
    return _series(key, rows, truncated)


def model_series(store: SeriesReader, model: str, key: str) -> Series:
    """``key`` across the versions of ``model``, oldest first: the version's recorded
    metadata, then what its run logged (NotFoundError for an unknown model)."""
    versions = sorted(store.model_versions(model), key=lambda v: v.version)
    truncated = len(versions) > MAX_POINTS
    rows = []
    for v in versions[-MAX_POINTS:]:
        try:
            flat = run_keys(store.run(v.run_id), store.metadata(v.run_id))
        except NotFoundError:  # the run was deleted: the version still has its own record
            flat = {}
        flat.update(flatten(dict(v.metadata)))
        rows.append((Point(v.run_id, f"v{v.version}", v.created_at, 0.0), flat))
    return _series(key, rows, truncated)
