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
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
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


def _held(objid: int) -> str:
    """The pg_locks condition of our advisory lock (``objid``: one per state schema)."""
    return (
        f"locktype = 'advisory' AND granted AND classid = {_KEY} AND objid = {objid}"
        " AND objsubid = 2"
    )


def schema_lock_id(schema: str | None) -> int:
    """The advisory lock of the state in ``schema``: states in separate schemas of one
    database (environments) must not wait for each other's lock."""
    if not schema:
        return _LOCK
    import zlib

    return 1000 + zlib.crc32(schema.encode()) % 1_000_000_000  # a positive int4, not 1 or 2


#: How long a loser waits for the winner's lock row before naming a bare session.
_ROW_GRACE = 2.0


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

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._conn.cursor() as cursor:  # psycopg pipelines the rows
            cursor.executemany(self._sql(sql), rows)


class PostgresStateStore(SqlStateStore):
    """State in a PostgreSQL database (schema created with a fresh lineage when empty).

    ``schema``: keep the state in that PostgreSQL schema (created when missing) instead
    of the connection's default one; an environment's state in a shared database."""

    _for_update = " FOR UPDATE"  # concurrent commits queue on the serial row

    def __init__(self, url: str, schema: str | None = None, *, connect_timeout: int = 10) -> None:
        where = redact_url(url) + (f" (schema {schema})" if schema else "")
        super().__init__(where)
        self.url = url
        self.schema = schema
        self._lock_id = schema_lock_id(schema)
        self._held_sql = _held(self._lock_id)
        self._connect_timeout = connect_timeout
        self._mutex = threading.RLock()
        self._lock_conn: Any = None  # the session holding our advisory lock
        self._conn = self._connect()
        with self._tx(write=True) as tx:
            # Two processes opening an empty database at once must not both create it.
            tx.one(f"SELECT pg_advisory_xact_lock({_KEY}, {_INIT})")
            self._prepare(tx)

    def __reduce__(self) -> tuple[type[PostgresStateStore], tuple[str, str | None]]:
        return (PostgresStateStore, (self.url, self.schema))

    def _connect(self) -> Any:
        import psycopg
        from psycopg.rows import dict_row

        try:
            conn = psycopg.connect(
                self.url,
                autocommit=True,  # transactions are explicit: conn.transaction()
                row_factory=dict_row,
                connect_timeout=self._connect_timeout,
            )
            if self.schema:  # autocommit: the search_path holds for the whole session
                from psycopg import sql

                name = sql.Identifier(self.schema)
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(name))
                conn.execute(sql.SQL("SET search_path TO {}").format(name))
            return conn
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
    def _tx(self, write: bool = False, durable: bool = True) -> Iterator[_Tx]:
        # PostgreSQL commits are durable anyway (synchronous_commit), run records too.
        import psycopg

        with self._mutex:
            try:
                with self._conn.transaction():
                    if not write:  # one consistent snapshot for multi-query reads
                        self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    yield _Tx(self._conn)
            except psycopg.Error as exc:
                raise StateError(f"state database {self._where}: {exc}") from exc

    def _query(self, sql: str, *params: Any) -> list[Mapping[str, Any]]:
        """One read statement: its own snapshot, so no REPEATABLE READ round trip."""
        import psycopg

        with self._mutex:
            try:
                with self._conn.transaction():
                    return _Tx(self._conn).all(sql, *params)
            except psycopg.Error as exc:
                raise StateError(f"state database {self._where}: {exc}") from exc

    def database_now(self) -> datetime:
        """The server's clock (``state.clock``: run leases are judged with it, so
        hosts whose clocks differ agree on whether a run is alive)."""
        with self._tx() as tx:
            row = tx.one("SELECT now() AS now")
        assert row is not None
        found: datetime = row["now"]
        return found

    # -- locking: advisory lock + lock row ---------------------------------------------
    def _mark_stale(self, tx: schema.Tx, info: LockInfo, row: Mapping[str, Any]) -> LockInfo:
        backend_pid = int(row["backend_pid"] or 0)
        holder = tx.one(f"SELECT pid FROM pg_locks WHERE {self._held_sql} AND pid = ?", backend_pid)
        ours = self._lock_conn is not None and backend_pid == self._lock_conn.info.backend_pid
        # A row left behind by our own session (a release that failed) is stale too.
        return replace(info, stale=holder is None or (ours and info.id not in self._held))

    def _try_acquire(self, mine: LockInfo, backend_pid: int | None = None) -> LockInfo | None:
        import psycopg

        try:
            if self._lock_conn is None:
                self._lock_conn = self._connect()
            got = self._lock_conn.execute(
                f"SELECT pg_try_advisory_lock({_KEY}, {self._lock_id}) AS ok"
            )
            taken = bool(got.fetchone()["ok"])
        except psycopg.Error as exc:
            self._drop_lock_conn()
            raise StateError(f"cannot take the state lock on {self._where}: {exc}") from exc
        if not taken:
            return self._other_holder()
        try:
            # We hold the advisory lock, so any row left is stale and gets replaced.
            holder = super()._try_acquire(mine, self._lock_conn.info.backend_pid)
        except BaseException:
            self._unlock()
            raise
        if holder is not None:  # cannot happen while we hold the advisory lock
            self._unlock()
        return holder

    def _other_holder(self) -> LockInfo:
        """Who holds the advisory lock: its row, which the winner writes just after
        taking the lock, so wait a moment for it rather than report a blank holder."""
        deadline = time.monotonic() + _ROW_GRACE
        while True:
            with self._tx() as tx:
                holder = self._holder(tx)
                session = tx.one(f"SELECT pid FROM pg_locks WHERE {self._held_sql}")
            if holder is not None or session is None or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if holder is not None:
            return holder
        who = f"database session {session['pid']}" if session else "another stackctl"
        return LockInfo("(no lock row)", who, 0, "(unknown)", locking.now())

    def _release(self, mine: LockInfo) -> None:
        # Unlock first: a writer that gets in before the row is gone sees it as stale.
        self._unlock()
        super()._release(mine)

    def _unlock(self) -> None:
        import psycopg

        if self._lock_conn is None:
            return
        try:
            self._lock_conn.execute(f"SELECT pg_advisory_unlock({_KEY}, {self._lock_id})")
        except psycopg.Error:
            self._drop_lock_conn()  # the session is gone, and its lock with it

    def _drop_lock_conn(self) -> None:
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
        with self._mutex, contextlib.suppress(psycopg.Error):
            self._conn.execute(
                # The timeout (PostgreSQL 14+) waits for the session to be gone, so the
                # advisory lock is free when force-unlock returns, not a moment later.
                f"SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE {self._held_sql}"
                " AND pid = %s",
                (backend_pid,),
            )

    def close(self) -> None:
        with self._mutex:
            self._drop_lock_conn()
            self._conn.close()


_: type[StateStore] = PostgresStateStore
