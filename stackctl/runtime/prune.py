"""Cleaning up artifact stores: which runs go, and which objects nothing needs any more.

Mark and sweep. The *mark* is every object URI a remaining record points at (step
outputs, step logs, step inputs, named versions: ``StateStore.object_references``);
the *sweep* lists what stackctl wrote in each store (``artifact_stores.sweep``) and
deletes what is not marked. The order makes a kill -9 harmless at any point: the
records of pruned runs go first, in one transaction, and an object is deleted only
once no record points at it, so an interruption leaves at most objects nothing points
at (the next prune collects them), never a record whose object is gone.

Runs never take the state lock, so the prune protects what they write differently:
objects modified after ``started - grace`` are kept (a run writing now, or reusing an
object it found already published: the local store refreshes its time), and while a
run is live, objects this prune itself unreferenced are kept too (that run may have
found one of the deleted records in its cache lookup before they went).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from datetime import UTC, datetime

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.components.artifact_stores.sweep import Entry, entries, remove, supported
from stackctl.frozen import frozen
from stackctl.model import Run
from stackctl.runtime.liveness import effective_status
from stackctl.state.base import StateStore

#: Staging leftovers younger than this may be a write still going on.
STAGED_GRACE_S = 3600.0
#: More than any project keeps; runs are listed in one call.
_ALL = 1 << 31


@frozen
class Policy:
    """Which runs to keep per pipeline: the newest ``keep_last`` and those newer than
    ``older_than_s`` (a run goes only when both let it); neither: no run goes."""

    keep_last: int | None = None
    older_than_s: float | None = None
    grace_s: float = 60.0


@frozen
class Swept:
    """What one store held and what the prune freed (or would free) in it."""

    store: str
    freed: tuple[Entry, ...] = ()
    kept: int = 0
    note: str = ""  # why the store was not swept
    young: int = 0  # unreferenced, but modified within the grace period: kept for now

    @property
    def bytes(self) -> int:
        return sum(e.size for e in self.freed)


@frozen
class PruneResult:
    runs: tuple[Run, ...]
    stores: tuple[Swept, ...]
    dry_run: bool
    deferred: int = 0  # objects kept because a live run may still link them
    protected: Mapping[str, str] = field(default_factory=dict)  # run id -> why kept

    @property
    def objects(self) -> int:
        return sum(len(s.freed) for s in self.stores)

    @property
    def bytes(self) -> int:
        return sum(s.bytes for s in self.stores)

    @property
    def kept(self) -> int:
        return sum(s.kept for s in self.stores)

    @property
    def young(self) -> int:
        return sum(s.young for s in self.stores)


def protected_runs(state: StateStore) -> dict[str, str]:
    """Runs never pruned, with the reason: they published a named version (tagged or
    not), or a model version links them."""
    why: dict[str, str] = {}
    for model in state.models():
        for mv in state.model_versions(model.name):
            why.setdefault(mv.run_id, f"model {mv.model} version {mv.version}")
    for latest in state.artifact_names():
        for v in state.artifact_versions(latest.name):
            why.setdefault(v.run_id, f"artifact {v.name}:{v.version}")
    return why


def select_runs(
    runs: Sequence[Run], policy: Policy, keep: Iterable[str], now: datetime
) -> list[Run]:
    """The runs the policy lets go (newest first), never one in ``keep``."""
    if policy.keep_last is None and policy.older_than_s is None:
        return []
    kept = set(keep)
    seen: dict[str, int] = {}
    doomed = []
    for run in sorted(runs, key=lambda r: r.started_at, reverse=True):
        rank = seen.get(run.pipeline, 0)
        seen[run.pipeline] = rank + 1
        recent = policy.keep_last is not None and rank < policy.keep_last
        young = policy.older_than_s is not None and _age(run, now) < policy.older_than_s
        if not (recent or young or run.id in kept):
            doomed.append(run)
    return doomed


def reference_keys(references: Iterable[tuple[str, str]], dropped: Iterable[str] = ()) -> set[str]:
    """The store keys (last three URI parts) the records point at, leaving out the
    records of the ``dropped`` runs."""
    gone = set(dropped)
    return {_key(uri) for run, uri in references if run not in gone}


def is_referenced(entry: Entry, keys: set[str]) -> bool:
    # a log on an object store is chunk objects under the log's URI as a prefix
    return entry.key in keys or "/".join(entry.key.split("/")[:3]) in keys


def prune(
    state: StateStore,
    stores: Mapping[str, ArtifactStore | str],
    policy: Policy,
    *,
    dry_run: bool = False,
) -> PruneResult:
    """Delete the runs ``policy`` lets go, then every object no record needs, in each
    of ``stores`` (name -> store, or -> why it cannot be swept). The caller holds the
    state lock (so two prunes, or a prune and `runs delete`, never interleave)."""
    started = time.time()
    cutoff = started - policy.grace_s
    at = datetime.now(UTC)
    runs = state.runs(limit=_ALL)
    live = [r for r in runs if effective_status(r, at) == "running"]
    protected = protected_runs(state)
    doomed = select_runs(runs, policy, [*protected, *(r.id for r in live)], at)
    before = reference_keys(state.object_references())
    ids = [r.id for r in doomed]
    if dry_run:
        after = reference_keys(state.object_references(), ids)
    else:
        state.delete_runs(ids)  # records first: from here no lookup finds them
        after = reference_keys(state.object_references())  # fresh: new runs' records too
        live = [r for r in state.runs(limit=_ALL) if effective_status(r, at) == "running"]
    deferred = (before - after) if live else set()
    swept = [
        _sweep(name, store, after | deferred, cutoff, started, dry_run)
        for name, store in sorted(stores.items())
    ]
    return PruneResult(tuple(doomed), tuple(swept), dry_run, len(deferred), protected)


def delete_runs(
    state: StateStore,
    stores: Mapping[str, ArtifactStore | str],
    runs: Sequence[Run],
    *,
    artifacts: bool = False,
) -> PruneResult:
    """Delete these runs' records and, with ``artifacts``, the objects only they
    pointed at (records first, as in ``prune``). The caller checked which runs may go
    and holds the state lock."""
    started = time.time()
    ids = [r.id for r in runs]
    before = reference_keys(state.object_references())
    state.delete_runs(ids)
    after = reference_keys(state.object_references())
    at = datetime.now(UTC)
    live = any(effective_status(r, at) == "running" for r in state.runs(limit=_ALL))
    only = set() if live or not artifacts else before - after
    swept = [
        _sweep(name, store, after, started, started, False, only)
        for name, store in sorted(stores.items())
        if artifacts
    ]
    return PruneResult(tuple(runs), tuple(swept), False, len(before - after) if live else 0)


def _sweep(
    name: str,
    store: ArtifactStore | str,
    keys: set[str],
    cutoff: float,
    started: float,
    dry_run: bool,
    only: set[str] | None = None,
) -> Swept:
    if isinstance(store, str):
        return Swept(name, note=store)
    if not supported(store):
        return Swept(name, note=f"its flavor ({type(store).__name__}) cannot be listed")
    freed, kept, young = [], 0, 0
    for entry in entries(store):
        limit = started - STAGED_GRACE_S if entry.staged else cutoff
        wanted = only is None or is_referenced(entry, only)
        if not wanted or is_referenced(entry, keys):
            kept += 1
        elif entry.mtime >= limit:
            kept, young = kept + 1, young + 1
        elif dry_run or remove(store, entry, limit):
            freed.append(entry)
        else:
            kept += 1  # reused while we looked: put back
    return Swept(name, tuple(freed), kept, young=young)


def _key(uri: str) -> str:
    return "/".join(uri.rstrip("/").split("/")[-3:])


def _age(run: Run, now: datetime) -> float:
    try:
        started = datetime.fromisoformat(run.started_at)
    except ValueError:
        return 0.0  # unreadable: treat as new, never prune by age
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return (now - started).total_seconds()
