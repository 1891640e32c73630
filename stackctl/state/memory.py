"""An in-process state store for tests: the whole contract, no files.

Values are kept as the same JSON rows the SQL stores write (see codec.py), so a test
passing here does not hide a value that SQLite would mangle. ``connect()`` gives a
second handle on the same data, the way a second process opens the same database.
"""

from __future__ import annotations

import copy
import itertools
import threading
import uuid
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

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
from stackctl.state import codec, locking, models_memory
from stackctl.state.artifacts_memory import MemoryNamedArtifacts, NamedDatabase
from stackctl.state.base import StateDump, StateStore
from stackctl.state.deployments_memory import DeploymentData, MemoryDeploymentRecords
from stackctl.state.lookups import LATEST, no_latest, no_lock, no_run, no_serial, pick_run
from stackctl.state.models_memory import MemoryModelRecords, ModelData
from stackctl.state.references import (
    VISUALIZATION_SCOPE,
    VISUALIZATIONS_SQL,
    visualization_references,
)


@dataclass
class _Data:
    lineage: str = field(default_factory=lambda: str(uuid.uuid4()))
    serial: int = 0
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    snapshots: dict[int, str] = field(default_factory=dict)
    lock: LockInfo | None = None
    journal: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    artifacts: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    seq: itertools.count[int] = field(default_factory=itertools.count)
    mutex: threading.RLock = field(default_factory=threading.RLock)
    named: NamedDatabase = field(default_factory=NamedDatabase)
    model_data: ModelData = field(default_factory=ModelData)
    deployment_data: DeploymentData = field(default_factory=DeploymentData)


class MemoryStateStore(MemoryNamedArtifacts, MemoryModelRecords, MemoryDeploymentRecords):
    """Thread-safe; the lock excludes other handles and threads of this process."""

    def __init__(self, data: _Data | None = None) -> None:
        self._data = data or _Data()
        self._named = self._data.named
        self._held: set[str] = set()  # lock ids taken through this handle

    def _models_data(self) -> ModelData:
        return self._data.model_data

    def _deployments_data(self) -> DeploymentData:
        return self._data.deployment_data

    def connect(self) -> MemoryStateStore:
        """Another handle on the same state (has its own lock ownership)."""
        return MemoryStateStore(self._data)

    # -- resources ---------------------------------------------------------------------
    def read(self) -> State:
        with self._data.mutex:
            return self._state(self._data.resources)

    def _state(self, rows: Mapping[str, Mapping[str, Any]]) -> State:
        resources = {a: codec.resource_from_row(r) for a, r in sorted(rows.items())}
        return State(self._data.lineage, self._data.serial, resources)

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
        # Encode everything before touching the data: a bad value changes nothing.
        rows = [codec.resource_to_row(r) for r in upserts]
        entry_changes = tuple(codec.loads(codec.dumps(list(changes), "history changes")))
        with self._data.mutex:
            d = self._data
            holder = None if d.lock is None else locking.mark_stale(d.lock)
            if holder is not None and holder.id not in self._held and not holder.stale:
                raise locking.locked_error(holder, 0)
            resources = dict(d.resources)
            for address in deletes:
                resources.pop(address, None)
            for row in rows:
                resources[row["address"]] = row
            serial = d.serial + 1
            entry = HistoryEntry(serial, locking.now(), who, operation, summary, entry_changes)
            d.history.append(codec.history_to_row(entry))
            d.snapshots[serial] = codec.dumps([r for _, r in sorted(resources.items())], "snapshot")
            d.resources, d.serial = resources, serial
            return self._state(resources)

    def history(self) -> list[HistoryEntry]:
        with self._data.mutex:
            return [codec.history_from_row(row) for row in self._data.history]

    def state_at(self, serial: int) -> State:
        with self._data.mutex:
            if serial == 0:
                return State(self._data.lineage, 0, {})
            if serial not in self._data.snapshots:
                raise no_serial(serial, self._data.serial)
            resources = codec.resources_from_json(self._data.snapshots[serial])
            return State(self._data.lineage, serial, resources)

    # -- locking and journal -------------------------------------------------------------
    def lock(self, operation: str, timeout: float = 0.0) -> AbstractContextManager[LockInfo]:
        return locking.hold(self._try_acquire, self._release, operation, timeout)

    def _try_acquire(self, mine: LockInfo) -> LockInfo | None:
        with self._data.mutex:
            current = self._data.lock
            if current is not None and not locking.mark_stale(current).stale:
                return current
            self._data.lock = mine
            self._held.add(mine.id)
            return None

    def _release(self, mine: LockInfo) -> None:
        with self._data.mutex:
            self._held.discard(mine.id)
            if self._data.lock is not None and self._data.lock.id == mine.id:
                self._data.lock = None

    def lock_info(self) -> LockInfo | None:
        with self._data.mutex:
            current = self._data.lock
        return None if current is None else locking.mark_stale(current)

    def force_unlock(self, lock_id: str) -> None:
        with self._data.mutex:
            if self._data.lock is None or self._data.lock.id != lock_id:
                raise no_lock(lock_id, self._data.lock)
            self._data.lock = None

    def journal_begin(self, address: str, action: str, payload: Mapping[str, Any]) -> None:
        text = codec.dumps(dict(payload), f"journal payload of {address}")
        with self._data.mutex:
            self._data.journal[address] = {
                "address": address,
                "action": action,
                "payload": codec.loads(text),
                "since": locking.now(),
            }

    def journal_end(self, address: str) -> None:
        with self._data.mutex:
            self._data.journal.pop(address, None)

    def journal(self) -> list[dict[str, Any]]:
        with self._data.mutex:
            entries = copy.deepcopy(list(self._data.journal.values()))
        return sorted(entries, key=lambda e: (e["since"], e["address"]))

    # -- runs ----------------------------------------------------------------------------
    def record_run(self, run: Run) -> None:
        row = codec.run_to_row(run)
        with self._data.mutex:
            old = self._data.runs.get(run.id)
            row["_seq"] = old["_seq"] if old else next(self._data.seq)
            self._data.runs[run.id] = row

    def finish_run(self, run_id: str, status: RunStatus, finished_at: str) -> None:
        with self._data.mutex:
            row = self._data.runs.get(run_id)
            if row is None:
                raise no_run(run_id)
            row.update(status=str(status), finished_at=finished_at)

    def record_step(self, step: StepRun) -> None:
        row = codec.step_to_row(step)
        with self._data.mutex:
            old = self._data.steps.get((step.run_id, step.step))
            row["_seq"] = old["_seq"] if old else next(self._data.seq)
            self._data.steps[(step.run_id, step.step)] = row

    def record_artifacts(self, artifacts: Sequence[ArtifactRecord]) -> None:
        rows = [codec.artifact_to_row(a) for a in artifacts]
        with self._data.mutex:
            for row in rows:
                key = (row["run_id"], row["step"], row["name"])
                old = self._data.artifacts.get(key)
                row["_seq"] = old["_seq"] if old else next(self._data.seq)
                self._data.artifacts[key] = row

    def runs(
        self,
        *,
        stack: str | None = None,
        pipeline: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Run]:
        with self._data.mutex:
            rows = [
                r
                for r in self._data.runs.values()
                if (stack is None or r["stack"] == stack)
                and (pipeline is None or r["pipeline"] == pipeline)
            ]
        rows.sort(key=lambda r: (r["started_at"], r["_seq"]), reverse=True)
        return [codec.run_from_row(r) for r in rows[offset : offset + limit]]

    def run(self, run_id: str) -> Run:
        if run_id == LATEST:
            newest = self.runs(limit=1)
            if not newest:
                raise no_latest()
            return newest[0]
        with self._data.mutex:
            if run_id in self._data.runs:
                return codec.run_from_row(self._data.runs[run_id])
            matches = sorted(i for i in self._data.runs if i.startswith(run_id))
            return codec.run_from_row(self._data.runs[pick_run(run_id, matches)])

    def steps(self, run_id: str) -> list[StepRun]:
        with self._data.mutex:
            rows = [r for (rid, _), r in self._data.steps.items() if rid == run_id]
        return [codec.step_from_row(r) for r in sorted(rows, key=lambda r: r["_seq"])]

    def artifacts(self, run_id: str) -> list[ArtifactRecord]:
        with self._data.mutex:
            rows = [r for (rid, _, _), r in self._data.artifacts.items() if rid == run_id]
        return [codec.artifact_from_row(r) for r in sorted(rows, key=lambda r: r["_seq"])]

    def cache_lookup(self, cache_key: str) -> tuple[StepRun, list[ArtifactRecord]] | None:
        with self._data.mutex:
            rows = [
                r
                for r in self._data.steps.values()
                if r["cache_key"] == cache_key and r["status"] == RunStatus.COMPLETED
            ]
            if not rows:
                return None
            best = max(rows, key=lambda r: (r["finished_at"] or "", r["_seq"]))
            arts = [
                a
                for (rid, step, _), a in self._data.artifacts.items()
                if rid == best["run_id"] and step == best["step"]
            ]
        arts.sort(key=lambda r: r["_seq"])
        return codec.step_from_row(best), [codec.artifact_from_row(a) for a in arts]

    # -- deletion ------------------------------------------------------------------------
    def delete_runs(self, run_ids: Sequence[str]) -> int:
        doomed = set(run_ids)
        with self._data.mutex:
            d = self._data
            gone = [r for r in doomed if d.runs.pop(r, None) is not None]
            d.steps = {k: v for k, v in d.steps.items() if k[0] not in doomed}
            d.artifacts = {k: v for k, v in d.artifacts.items() if k[0] not in doomed}
            with self._tx(write=True) as tx:  # the same SQL the SQL stores run
                for run_id in doomed:
                    for table in ("step_inputs", "metadata"):
                        tx.run(f"DELETE FROM {table} WHERE run_id = ?", run_id)
        return len(gone)

    def object_references(self) -> list[tuple[str, str]]:
        with self._data.mutex:
            found = {(r["run_id"], r["uri"]) for r in self._data.artifacts.values()}
            found |= {(r["run_id"], r["log_uri"]) for r in self._data.steps.values()}
            with self._tx() as tx:
                rows = tx.all(
                    "SELECT run_id, uri FROM step_inputs"
                    " UNION SELECT '' AS run_id, uri FROM artifact_versions"
                )
                shown = tx.all(VISUALIZATIONS_SQL, VISUALIZATION_SCOPE)
        found |= {(r["run_id"], r["uri"]) for r in rows}
        found |= visualization_references(shown)
        return sorted((run, uri) for run, uri in found if uri)

    # -- migration -----------------------------------------------------------------------
    def export_dump(self) -> StateDump:
        with self._data.mutex:
            d = self._data
            by_seq = sorted(d.runs.values(), key=lambda r: r["_seq"])  # recording order
            return StateDump(
                lineage=d.lineage,
                serial=d.serial,
                resources=self._state(d.resources).resources,
                history=tuple(codec.history_from_row(h) for h in d.history),
                snapshots={s: codec.resources_from_json(t) for s, t in d.snapshots.items()},
                runs=tuple(codec.run_from_row(r) for r in by_seq),
                steps=tuple(codec.step_from_row(r) for r in d.steps.values()),
                artifacts=tuple(codec.artifact_from_row(r) for r in d.artifacts.values()),
                tables=d.named.rows(),
                models=models_memory.export_rows(d.model_data),
            )

    def import_dump(self, dump: StateDump) -> None:
        fresh = _Data(
            lineage=dump.lineage, serial=dump.serial, mutex=self._data.mutex, named=self._named
        )
        self._named.replace(dump.tables)
        fresh.resources = {a: codec.resource_to_row(r) for a, r in dump.resources.items()}
        fresh.history = [codec.history_to_row(h) for h in dump.history]
        fresh.snapshots = {s: codec.resources_to_json(r) for s, r in dump.snapshots.items()}
        fresh.model_data = models_memory.import_rows(dump.models)
        with self._data.mutex:
            fresh.lock, fresh.journal = self._data.lock, self._data.journal
            self._data.__dict__.update(fresh.__dict__)
            for run in dump.runs:
                self.record_run(run)
            for step in dump.steps:
                self.record_step(step)
            self.record_artifacts(dump.artifacts)

    def close(self) -> None:
        """Nothing to release; the data lives as long as a handle does."""


_: type[StateStore] = MemoryStateStore
