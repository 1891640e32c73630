"""The state store contract: small, transactional and lockable.

Implementations: ``memory`` (tests), ``sqlite`` (embedded default), ``postgres`` (shared).
Every method that changes state is one transaction; readers never need the lock.
Modelled on Terraform's statemgr (Persistent + Locker), plus the run records stackctl adds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import field
from typing import Any, Protocol

from stackctl.frozen import frozen
from stackctl.model import (
    ArtifactRecord,
    HistoryEntry,
    LockInfo,
    Resource,
    Run,
    RunStatus,
    State,
    StepRun,
)
from stackctl.state.artifacts import NamedArtifacts
from stackctl.state.deployments_schema import DeploymentStore
from stackctl.state.models_base import ModelStore

#: Bumped when the on-disk schema changes; stores migrate older schemas forward and
#: refuse newer ones with a StateError that says to upgrade stackctl.
SCHEMA_VERSION = 8  # v2: indexes on run records' order; v3: history as deltas
# v4: named artifacts; v5: models; v6: artifacts.preview; v7: deployments;
# v8: metadata indexed by step


@frozen
class StateDump:
    """Everything a store holds except the lock and the journal (``state migrate``)."""

    lineage: str
    serial: int
    resources: Mapping[str, Resource]
    history: tuple[HistoryEntry, ...] = ()
    snapshots: Mapping[int, Mapping[str, Resource]] = field(default_factory=dict)
    runs: tuple[Run, ...] = ()  # in the order they were recorded
    steps: tuple[StepRun, ...] = ()
    artifacts: tuple[ArtifactRecord, ...] = ()
    #: rows of the schema-v4 tables (named versions, tags, metadata, step inputs) by table
    tables: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)
    #: model tables (models, model_versions, model_stage_changes) -> rows, as SQL keeps them
    models: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)


class StateStore(NamedArtifacts, ModelStore, DeploymentStore, Protocol):
    """Where plan/apply and runs keep what they know (models: see models_base.py)."""

    # -- resources ---------------------------------------------------------------------
    def read(self) -> State:
        """The current lineage, serial and resources (creates an empty state when new)."""
        ...

    def commit(
        self,
        *,
        upserts: Sequence[Resource] = (),
        deletes: Sequence[str] = (),
        operation: str,
        who: str,
        summary: str,
        changes: Sequence[Mapping[str, Any]] = (),
    ) -> State:
        """Apply upserts and deletes, bump the serial and append a history entry and a
        snapshot, in one transaction. The caller should hold the lock; a commit while
        another writer holds it raises StateLockedError."""
        ...

    def history(self) -> list[HistoryEntry]:
        """Every committed change, oldest first."""
        ...

    def state_at(self, serial: int) -> State:
        """The resources as they were right after ``serial`` was committed."""
        ...

    # -- locking and crash journal -----------------------------------------------------
    def lock(self, operation: str, timeout: float = 0.0) -> AbstractContextManager[LockInfo]:
        """Take the exclusive write lock, waiting up to ``timeout`` seconds; raise
        StateLockedError naming the holder when it cannot be had. Not re-entrant; a stale
        lock is taken over; released on exit, on exceptions and on SIGTERM."""
        ...

    def lock_info(self) -> LockInfo | None:
        """Who holds the lock now, if anyone (``stale`` set when the holder is gone)."""
        ...

    def force_unlock(self, lock_id: str) -> None:
        """Break a lock by id (NotFoundError when no lock has that id)."""
        ...

    def journal_begin(self, address: str, action: str, payload: Mapping[str, Any]) -> None:
        """Record that a change to ``address`` is about to start (survives a crash)."""
        ...

    def journal_end(self, address: str) -> None:
        """The change to ``address`` finished (committed or rolled back)."""
        ...

    def journal(self) -> list[dict[str, Any]]:
        """Changes that started but never finished: {address, action, payload, since}."""
        ...

    # -- runs ----------------------------------------------------------------------------
    def record_run(self, run: Run) -> None:
        """Insert or replace a run record."""
        ...

    def finish_run(self, run_id: str, status: RunStatus, finished_at: str) -> None: ...

    def record_step(self, step: StepRun) -> None:
        """Insert or replace one step run (keyed by run id + step name)."""
        ...

    def record_artifacts(self, artifacts: Sequence[ArtifactRecord]) -> None: ...

    def runs(
        self,
        *,
        stack: str | None = None,
        pipeline: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Run]:
        """Runs newest first."""
        ...

    def run(self, run_id: str) -> Run:
        """One run by id, unique id prefix or ``latest`` (the newest run); NotFoundError
        otherwise (an ambiguous prefix lists the candidates)."""
        ...

    def steps(self, run_id: str) -> list[StepRun]: ...

    def artifacts(self, run_id: str) -> list[ArtifactRecord]: ...

    def cache_lookup(self, cache_key: str) -> tuple[StepRun, list[ArtifactRecord]] | None:
        """The newest completed (not cached) step run with this key and its artifacts."""
        ...

    def delete_runs(self, run_ids: Sequence[str]) -> int:
        """Delete these runs with their step runs, artifact records, metadata and step
        inputs, in one transaction; the number of runs deleted. Named versions and model
        versions stay (and keep their objects); the caller holds the lock."""
        ...

    def object_references(self) -> list[tuple[str, str]]:
        """Every ``(run_id, uri)`` a record points at: artifacts, step logs, step inputs,
        and named versions (run id ``""``: no run deletion removes them)."""
        ...

    # -- migration -----------------------------------------------------------------------
    def export_dump(self) -> StateDump:
        """A consistent copy of everything (one read transaction)."""
        ...

    def import_dump(self, dump: StateDump) -> None:
        """Replace everything with ``dump`` (lineage included) in one transaction."""
        ...

    def close(self) -> None: ...


def iter_addresses(state: State) -> Iterator[str]:
    return iter(sorted(state.resources))
