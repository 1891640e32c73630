"""What SQLite and PostgreSQL stores share: resources, history, lock row, journal.

A subclass supplies ``_tx`` (one transaction, yielding a ``Tx``) and may override the
lock hooks; every query here is portable SQL written with ``?`` placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from stackctl.model import HistoryEntry, LockInfo, Resource, State
from stackctl.state import codec, deltas, locking, models_sql, schema
from stackctl.state.artifacts_schema import V4_TABLES
from stackctl.state.artifacts_sql import NamedArtifactRecords
from stackctl.state.base import StateDump
from stackctl.state.deployments_sql import SqlDeploymentRecords
from stackctl.state.lookups import no_lock, no_serial
from stackctl.state.models_sql import SqlModelRecords
from stackctl.state.schema import Tx
from stackctl.state.sqlruns import RunRecords, insert_rows

_UPSERT_RESOURCE = """
    INSERT INTO resources (address, type, name, flavor, config, outputs, lifecycle, depends_on)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (address) DO UPDATE SET type = excluded.type, name = excluded.name,
        flavor = excluded.flavor, config = excluded.config, outputs = excluded.outputs,
        lifecycle = excluded.lifecycle, depends_on = excluded.depends_on"""
_INSERT_LOCK = """
    INSERT INTO lock (slot, id, who, host, pid, operation, since, context, backend_pid)
    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)"""


class SqlStateStore(RunRecords, NamedArtifactRecords, SqlModelRecords, SqlDeploymentRecords):
    """The StateStore contract over any database with a ``_tx``."""

    #: Appended to the SELECT of the serial: PostgreSQL needs a row lock to serialise
    #: commits, SQLite already has one writer at a time under BEGIN IMMEDIATE.
    _for_update = ""

    def __init__(self, where: str) -> None:
        self._where = where  # path or redacted URL, for messages
        self._held: set[str] = set()
        # The state this store last read or committed: a commit on top of it (same
        # lineage and serial, so nobody committed in between) builds the new state from
        # it and the changes instead of reading every resource back.
        self._last: State | None = None

    def _table_names(self, tx: Tx) -> list[str]:
        raise NotImplementedError

    def _prepare(self, tx: Tx) -> None:
        """Create or migrate the schema, refusing newer and foreign databases."""
        tables = self._table_names(tx)
        found = 0
        if "meta" in tables:
            row = tx.one("SELECT value FROM meta WHERE key = 'schema_version'")
            found = int(row["value"]) if row else 0
        elif tables:
            raise schema.foreign_tables(tables, self._where)
        schema.check_version(found, self._where)
        import uuid  # a new state only: not on every open

        schema.migrate(tx, found, str(uuid.uuid4()))

    # -- resources ---------------------------------------------------------------------
    def _meta(self, tx: Tx, suffix: str = "") -> tuple[str, int]:
        rows = tx.all(f"SELECT key, value FROM meta WHERE key IN ('lineage', 'serial'){suffix}")
        meta = {r["key"]: r["value"] for r in rows}
        return meta["lineage"], int(meta["serial"])

    def _resources(self, tx: Tx) -> dict[str, Resource]:
        # Sorted here: PostgreSQL's collation would order addresses unlike SQLite's.
        rows = sorted(tx.all("SELECT * FROM resources"), key=lambda r: str(r["address"]))
        return {r["address"]: codec.resource_from_row(r) for r in rows}

    def read(self) -> State:
        with self._tx() as tx:
            lineage, serial = self._meta(tx)
            resources = self._resources(tx)
        self._last = State(lineage, serial, dict(resources))
        return State(lineage, serial, resources)

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
        changes_json = codec.dumps(list(changes), "history changes")
        with self._tx(write=True) as tx:
            lineage, serial = self._meta(tx, self._for_update)
            self._refuse_if_locked_by_other(tx)
            last = self._last
            known = last is not None and (last.lineage, last.serial) == (lineage, serial)
            for address in deletes:
                tx.run("DELETE FROM resources WHERE address = ?", address)
            rows = [codec.resource_to_row(resource) for resource in upserts]
            for row in rows:
                tx.run(_UPSERT_RESOURCE, *row.values())
            serial += 1
            tx.run("UPDATE meta SET value = ? WHERE key = 'serial'", str(serial))
            tx.run(
                "INSERT INTO history (serial, at, who, operation, summary, changes)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                *(serial, locking.now(), who, operation, summary, changes_json),
            )
            if known and last is not None:
                after = dict(last.resources)
                for address in deletes:
                    after.pop(address, None)
                for row in rows:  # through the codec, exactly as read() would return it
                    after[row["address"]] = codec.resource_from_row(row)
                # Keys only (comparing (key, Resource) tuples was 70 ms a commit at
                # 50k), and nearly sorted already: timsort merges the new tail in O(n).
                resources = {a: after[a] for a in sorted(after)}
            else:
                resources = self._resources(tx)
            deltas.record(tx, serial, rows, deletes, resources)
        self._last = State(lineage, serial, dict(resources))
        return State(lineage, serial, resources)

    def history(self) -> list[HistoryEntry]:
        with self._tx() as tx:
            rows = tx.all("SELECT * FROM history ORDER BY serial")
        return [codec.history_from_row(r) for r in rows]

    def state_at(self, serial: int) -> State:
        with self._tx() as tx:
            lineage, latest = self._meta(tx)
            if serial == 0:
                return State(lineage, 0, {})
            if not 0 < serial <= latest or not deltas.exists(tx, serial):
                raise no_serial(serial, latest)
            return State(lineage, serial, deltas.resources_at(tx, serial))

    # -- locking -------------------------------------------------------------------------
    def lock(self, operation: str, timeout: float = 0.0) -> AbstractContextManager[LockInfo]:
        return locking.hold(self._try_acquire, self._release, operation, timeout)

    def _holder(self, tx: Tx) -> LockInfo | None:
        row = tx.one("SELECT * FROM lock WHERE slot = 1")
        if row is None:
            return None
        info = LockInfo(
            id=row["id"],
            who=row["who"],
            pid=int(row["pid"]),
            operation=row["operation"],
            since=row["since"],
            context=row["context"],
            host=row["host"],
        )
        return self._mark_stale(tx, info, row)

    def _mark_stale(self, tx: Tx, info: LockInfo, row: Mapping[str, Any]) -> LockInfo:
        """Hook: decide whether the holder is gone (default: dead pid on this host)."""
        return locking.mark_stale(info)

    def _refuse_if_locked_by_other(self, tx: Tx) -> None:
        holder = self._holder(tx)
        if holder is not None and holder.id not in self._held and not holder.stale:
            raise locking.locked_error(holder, 0)

    def _try_acquire(self, mine: LockInfo, backend_pid: int | None = None) -> LockInfo | None:
        with self._tx(write=True) as tx:
            holder = self._holder(tx)
            if holder is not None and not holder.stale:
                return holder
            # A stale holder died without releasing: take its lock over.
            tx.run("DELETE FROM lock WHERE slot = 1")
            tx.run(
                _INSERT_LOCK,
                *(mine.id, mine.who, mine.host, mine.pid, mine.operation, mine.since),
                *(mine.context, backend_pid),
            )
        self._held.add(mine.id)
        return None

    def _release(self, mine: LockInfo) -> None:
        self._held.discard(mine.id)
        with self._tx(write=True) as tx:
            # Only our own row: after a force-unlock someone else may hold it now.
            tx.run("DELETE FROM lock WHERE id = ?", mine.id)

    def lock_info(self) -> LockInfo | None:
        with self._tx() as tx:
            return self._holder(tx)

    def force_unlock(self, lock_id: str) -> None:
        with self._tx(write=True) as tx:
            if tx.run("DELETE FROM lock WHERE id = ?", lock_id) == 0:
                raise no_lock(lock_id, self._holder(tx))

    # -- journal -------------------------------------------------------------------------
    def journal_begin(self, address: str, action: str, payload: Mapping[str, Any]) -> None:
        text = codec.dumps(dict(payload), f"journal payload of {address}")
        with self._tx(write=True) as tx:
            tx.run(
                "INSERT INTO journal (address, action, payload, since) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (address) DO UPDATE SET action = excluded.action,"
                " payload = excluded.payload, since = excluded.since",
                *(address, action, text, locking.now()),
            )

    def journal_end(self, address: str) -> None:
        with self._tx(write=True) as tx:
            tx.run("DELETE FROM journal WHERE address = ?", address)

    def journal(self) -> list[dict[str, Any]]:
        with self._tx() as tx:
            rows = tx.all("SELECT * FROM journal ORDER BY since, address")
        return [{**r, "payload": codec.loads(r["payload"])} for r in rows]

    # -- migration -----------------------------------------------------------------------
    def export_dump(self) -> StateDump:
        with self._tx() as tx:
            lineage, serial = self._meta(tx)
            resources = self._resources(tx)
            history = tx.all("SELECT * FROM history ORDER BY serial")
            snapshots = deltas.all_states(tx)
            runs = tx.all("SELECT * FROM runs ORDER BY seq")
            steps = tx.all("SELECT * FROM step_runs ORDER BY seq")
            artifacts = tx.all("SELECT * FROM artifacts ORDER BY seq")
            tables = {t: tuple(dict(r) for r in tx.all(f"SELECT * FROM {t}")) for t in V4_TABLES}
            models = models_sql.export_rows(tx)
        return StateDump(
            lineage=lineage,
            serial=serial,
            resources=resources,
            history=tuple(codec.history_from_row(r) for r in history),
            snapshots=snapshots,
            runs=tuple(codec.run_from_row(r) for r in runs),
            steps=tuple(codec.step_from_row(r) for r in steps),
            artifacts=tuple(codec.artifact_from_row(r) for r in artifacts),
            tables=tables,
            models=models,
        )

    def import_dump(self, dump: StateDump) -> None:
        self._last = None
        with self._tx(write=True) as tx:
            tables = ("resources", "history", "snapshots", "resource_changes")
            for table in (*tables, "runs", "step_runs", "artifacts", *V4_TABLES):
                tx.run(f"DELETE FROM {table}")
            tx.run("UPDATE meta SET value = ? WHERE key = 'lineage'", dump.lineage)
            tx.run("UPDATE meta SET value = ? WHERE key = 'serial'", str(dump.serial))
            for resource in dump.resources.values():
                tx.run(_UPSERT_RESOURCE, *codec.resource_to_row(resource).values())
            for entry in dump.history:
                row = codec.history_to_row(entry)
                tx.run(
                    "INSERT INTO history (serial, at, who, operation, summary, changes)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    *row.values(),
                )
            deltas.write_states(tx, dump.snapshots)
            insert_rows(tx, "runs", [codec.run_to_row(r) for r in dump.runs], ["id"])
            steps = [codec.step_to_row(s) for s in dump.steps]
            insert_rows(tx, "step_runs", steps, ["run_id", "step"])
            artifacts = [codec.artifact_to_row(a) for a in dump.artifacts]
            insert_rows(tx, "artifacts", artifacts, ["run_id", "step", "name"])
            for table in V4_TABLES:
                for values in dump.tables.get(table, ()):
                    tx.run(
                        f"INSERT INTO {table} ({', '.join(values)})"
                        f" VALUES ({', '.join('?' * len(values))})",
                        *values.values(),
                    )
            models_sql.import_rows(tx, dump.models)
