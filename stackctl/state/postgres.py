"""The shared state store: PostgreSQL through psycopg 3, one state per database.

Same schema and semantics as SQLite. The write lock is a session advisory lock held
on a dedicated connection for as long as the ``lock()`` block runs, plus the lock row
that says who holds it. PostgreSQL drops the advisory lock when its holder's connection
dies, so a lock row whose session no longer holds the advisory lock is stale.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from stackctl.errors import StateError
from stackctl.model import LockInfo
from stackctl.state import locking, schema
from stackctl.state.base import StateStore
from stackctl.state.sql import SqlStateStore

# Two-int advisory keys ("stackctl" / "lock" and "init"); literal in SQL because
# pg_locks compares them as oid.
_KEY = 0x5354_4B43
_LOCK = 1
_INIT = 2


def redact_url(url: str) -> str:
    """The URL with any password replaced, safe for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class _Tx:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def one(self, sql: str, *params: Any) -> Mapping[str, Any] | None:
        row: Mapping[str, Any] | None = self._conn.execute(self._sql(sql), params).fetchone()
        return row

    def all(self, sql: str, *params: Any) -> list[Mapping[str, Any]]:
        return list(self._conn.execute(self._sql(sql), params).fetchall())

    def run(self, sql: str, *params: Any) -> int:
        return int(self._conn.execute(self._sql(sql), params).rowcount)


class PostgresStateStore(SqlStateStore):
    """State in a PostgreSQL database (schema created with a fresh lineage when empty)."""

    _for_update = " FOR UPDATE"  # concurrent commits queue on the serial row

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        super().__init__(redact_url(url))
        self.url = url
        self._connect_timeout = connect_timeout
        self._mutex = threading.RLock()
        self._lock_conn: Any = None  # the session holding our advisory lock
        self._conn = self._connect()
        with self._tx(write=True) as tx:
            # Two processes opening an empty database at once must not both create it.
            tx.one(f"SELECT pg_advisory_xact_lock({_KEY}, {_INIT})")
            self._prepare(tx)

    def __reduce__(self) -> tuple[type[PostgresStateStore], tuple[str]]:
        return (PostgresStateStore, (self.url,))

    def _connect(self) -> Any:
        import psycopg
        from psycopg.rows import dict_row

        try:
            return psycopg.connect(
                self.url,
                autocommit=True,  # transactions are explicit: conn.transaction()
                row_factory=dict_row,
                connect_timeout=self._connect_timeout,
            )
        except psycopg.Error as exc:
            raise StateError(
                f"cannot connect to state database {self._where}: {exc}".strip(),
                hint="check state.url in stackctl.yaml and that the server is reachable",
            ) from exc

    def _table_names(self, tx: schema.Tx) -> list[str]:
        rows = tx.all(
            "SELECT table_name AS name FROM information_schema.tables"
            " WHERE table_schema = current_schema()"
        )
        return [r["name"] for r in rows]

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[_Tx]:
        import psycopg

        with self._mutex:
            try:
                with self._conn.transaction():
                    if not write:  # one consistent snapshot for multi-query reads
                        self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    yield _Tx(self._conn)
            except psycopg.Error as exc:
                raise StateError(f"state database {self._where}: {exc}") from exc

    # -- locking: advisory lock + lock row ---------------------------------------------
    def _mark_stale(self, tx: schema.Tx, info: LockInfo, row: Mapping[str, Any]) -> LockInfo:
        held = tx.one(
            "SELECT 1 AS held FROM pg_locks WHERE locktype = 'advisory' AND granted"
            f" AND classid = {_KEY} AND objid = {_LOCK} AND objsubid = 2 AND pid = ?",
            int(row["backend_pid"] or 0),
        )
        return replace(info, stale=held is None)

    def _try_acquire(self, mine: LockInfo, backend_pid: int | None = None) -> LockInfo | None:
        import psycopg

        try:
            if self._lock_conn is None:
                self._lock_conn = self._connect()
            row = self._lock_conn.execute(
                f"SELECT pg_try_advisory_lock({_KEY}, {_LOCK}) AS ok"
            ).fetchone()
        except psycopg.Error as exc:
            self._drop_lock_conn()
            raise StateError(f"cannot take the state lock on {self._where}: {exc}") from exc
        if not row["ok"]:
            with self._tx() as tx:
                holder = self._holder(tx)
            # The winner may not have written its row yet.
            return holder or LockInfo("", "another stackctl", 0, "(starting)", locking.now())
        try:
            return super()._try_acquire(mine, self._lock_conn.info.backend_pid)
        except BaseException:
            self._drop_lock_conn()
            raise

    def _release(self, mine: LockInfo) -> None:
        try:
            super()._release(mine)
        finally:
            self._drop_lock_conn()

    def _drop_lock_conn(self) -> None:
        # Closing the session releases the advisory lock, even if unlock was never sent.
        conn, self._lock_conn = self._lock_conn, None
        if conn is not None:
            conn.close()

    def force_unlock(self, lock_id: str) -> None:
        with self._tx() as tx:
            row = tx.one("SELECT backend_pid FROM lock WHERE id = ?", lock_id)
        super().force_unlock(lock_id)
        if row and row["backend_pid"]:
            self._terminate(int(row["backend_pid"]))

    def _terminate(self, backend_pid: int) -> None:
        """End the session still holding the advisory lock (the holder's commits fail)."""
        import psycopg

        # Not allowed to (another role)? Then its lock goes when that session ends.
        with contextlib.suppress(psycopg.Error):
            self._conn.execute("SELECT pg_terminate_backend(%s)", (backend_pid,))

    def close(self) -> None:
        with self._mutex:
            self._drop_lock_conn()
            self._conn.close()


_: type[StateStore] = PostgresStateStore
