"""Runs side by side: what changed between two or more runs of a pipeline.

``compare`` is pure: it takes what state recorded about each run (the run, its step
runs, artifact records and metadata) and returns one ``Row`` per thing that can differ
(a param, a metadata key, a step's status, an output's digest), each knowing whether its
values differ. ``load`` reads those records for run ids (prefixes and ``latest`` work as
everywhere else). The CLI (`stackctl runs compare`) and the dashboard (/compare) render
the same rows, so they always agree.

Metadata and params are flattened to dotted keys (``metrics.accuracy``): a nested dict
is compared key by key, so the row that changed is the leaf that changed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from stackctl.errors import StackctlError
from stackctl.frozen import frozen
from stackctl.model import ArtifactRecord, MetadataEntry, Run, RunStatus, StepRun
from stackctl.runtime.liveness import effective_status, step_status
from stackctl.runtime.metadata import ARTIFACT, RUN, STEP

#: Sections in display order. ``timing`` rows (durations) never count as a difference:
#: two runs that did the same work never take exactly the same time.
SECTIONS = ("run", "params", "metadata", "steps", "outputs")


class _Absent:
    """A run that has no value for a row (the key was never logged, the step never ran)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@frozen
class RunRecords:
    """Everything state holds about one run that a comparison looks at."""

    run: Run
    steps: Sequence[StepRun]
    artifacts: Sequence[ArtifactRecord]
    metadata: Sequence[MetadataEntry]
    status: str  # as shown (runtime.liveness: a dead run's lease makes it interrupted)


@frozen
class Row:
    """One comparable thing: ``values`` has one entry per run (ABSENT when missing)."""

    section: str  # one of SECTIONS
    key: str  # "seed", "metrics.accuracy", "train: loss", "train status", "fit.output"
    values: tuple[Any, ...]
    differs: bool
    timing: bool = False  # a duration: shown, never counted as a change


@frozen
class Comparison:
    runs: tuple[Run, ...]
    rows: tuple[Row, ...]

    @property
    def differing(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.differs)

    @property
    def identical(self) -> int:
        """How many rows (durations aside) have the same value in every run."""
        return sum(1 for r in self.rows if not r.differs and not r.timing)


class RunReader(Protocol):
    """The reads ``load`` needs: satisfied by a StateStore and the dashboard's ReadStore."""

    def run(self, run_id: str) -> Run: ...

    def steps(self, run_id: str) -> list[StepRun]: ...

    def artifacts(self, run_id: str) -> list[ArtifactRecord]: ...

    def metadata(self, run_id: str) -> list[MetadataEntry]: ...


def flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``; lists and empty dicts stay leaves."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def metadata_keys(entries: Iterable[MetadataEntry]) -> dict[str, Any]:
    """A run's logged metadata as flat keys: run-scope ``key.path``, a step's own
    ``STEP: key.path``, an output's ``STEP.OUTPUT: key.path`` (a later entry wins)."""
    found: dict[str, Any] = {}
    for e in entries:
        if e.scope == RUN:
            prefix = ""
        elif e.scope == STEP:
            prefix = f"{e.step}: "
        elif e.scope == ARTIFACT:
            prefix = f"{e.step}.{e.output}: "
        else:  # a scope a newer writer added: still compared, under its name
            prefix = f"{e.scope} {e.step}: "
        found.update(flatten({e.key: e.value}, prefix))
    return found


def _canonical(value: Any) -> str:
    """Equal values give equal text (key order and int/float spelling aside)."""
    if value is ABSENT:
        return "\0absent"
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        value = int(value)  # 1 and 1.0 logged by two versions of a step are the same
    return json.dumps(value, sort_keys=True, default=repr)


def _rows(section: str, per_run: Sequence[Mapping[str, Any]], timing: bool = False) -> list[Row]:
    keys = dict.fromkeys(k for values in per_run for k in values)
    rows = []
    for key in keys:
        values = tuple(v.get(key, ABSENT) for v in per_run)
        differs = not timing and len({_canonical(v) for v in values}) > 1
        rows.append(Row(section, key, values, differs, timing))
    return rows


def _duration(run: Run) -> float | None:
    if run.finished_at is None:
        return None
    try:
        start = datetime.fromisoformat(run.started_at.replace("Z", "+00:00"))
        end = datetime.fromisoformat(run.finished_at.replace("Z", "+00:00"))
    except ValueError:  # a hand-edited state row: no duration rather than a crash
        return None
    return round((end - start).total_seconds(), 3)


def _step_values(records: RunRecords) -> tuple[dict[str, Any], dict[str, Any]]:
    """(status and cached per step, duration per step)."""
    values: dict[str, Any] = {}
    durations: dict[str, Any] = {}
    for s in records.steps:
        values[f"{s.step} status"] = step_status(s, records.status)
        values[f"{s.step} cached"] = s.status == RunStatus.CACHED or bool(s.cached_from)
        if s.duration_s is not None:
            durations[f"{s.step} duration_s"] = s.duration_s
    return values, durations


def compare(records: Sequence[RunRecords]) -> Comparison:
    """The rows of a comparison of ``records`` (in the order given)."""
    run_rows = [
        {"pipeline": r.run.pipeline, "stack": r.run.stack, "status": r.status}
        | ({"pipeline_version": r.run.pipeline_version} if r.run.pipeline_version else {})
        for r in records
    ]
    durations = [{"duration_s": d} if (d := _duration(r.run)) is not None else {} for r in records]
    steps = [_step_values(r) for r in records]
    outputs = [{f"{a.step}.{a.name}": a.digest for a in r.artifacts} for r in records]
    rows = [
        *_rows("run", run_rows),
        *_rows("run", durations, timing=True),
        *_rows("params", [flatten(dict(r.run.params)) for r in records]),
        *_rows("metadata", [metadata_keys(r.metadata) for r in records]),
        *_rows("steps", [s for s, _ in steps]),
        *_rows("steps", [d for _, d in steps], timing=True),
        *_rows("outputs", outputs),
    ]
    return Comparison(tuple(r.run for r in records), tuple(rows))


def text(row: Row, value: Any, width: int = 100) -> str:
    """One value as a table cell (CLI and dashboard): durations in seconds, digests and
    the pipeline version shortened, "-" for a run without the value, JSON otherwise."""
    if value is ABSENT:
        return "-"
    if row.timing and isinstance(value, int | float):
        return f"{value:.2f}s"
    if (row.section == "outputs" or row.key == "pipeline_version") and isinstance(value, str):
        return value.removeprefix("sha256:")[:12]
    shown = value if isinstance(value, str) else json.dumps(value, default=repr)
    shown = shown.replace("\n", " ")
    return shown if len(shown) <= width else shown[: width - 3] + "..."


class CompareError(StackctlError):
    """Fewer than two distinct runs to compare."""


def load(store: RunReader, run_ids: Sequence[str], now: datetime | None = None) -> Comparison:
    """Compare the runs ``run_ids`` name (unique prefixes and ``latest`` accepted; the
    same run named twice counts once). NotFoundError for an unknown id."""
    found: dict[str, Run] = {}
    for given in run_ids:
        run = store.run(given)
        found.setdefault(run.id, run)
    if len(found) < 2:
        raise CompareError(
            "runs compare needs at least two different runs"
            + (f" (got only {next(iter(found))[:8]})" if found else ""),
            hint="name two or more: `stackctl runs compare RUN RUN`; see `stackctl runs list`",
        )
    return compare(
        [
            RunRecords(
                run,
                store.steps(run.id),
                store.artifacts(run.id),
                store.metadata(run.id),
                effective_status(run, now),
            )
            for run in found.values()
        ]
    )
