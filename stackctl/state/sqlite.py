"""The embedded default state store: one SQLite file, `.stackctl/state.db`.

WAL mode lets readers (`stackctl show`, the dashboard, runs) go on while a writer
commits; every write is a short ``BEGIN IMMEDIATE`` transaction with a busy timeout.
A file that is not a healthy stackctl database is refused, and never written to.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from stackctl.errors import StateError
from stackctl.state import schema
from stackctl.state.base import StateStore
from stackctl.state.sql import SqlStateStore

_HEADER = b"SQLite format 3\x00"


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: value for d, value in zip(cursor.description, row, strict=True)}


class _Tx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def one(self, sql: str, *params: Any) -> Mapping[str, Any] | None:
        row: Mapping[str, Any] | None = self._conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, *params: Any) -> list[Mapping[str, Any]]:
        return list(self._conn.execute(sql, params).fetchall())

    def run(self, sql: str, *params: Any) -> int:
        return self._conn.execute(sql, params).rowcount


class SqliteStateStore(SqlStateStore):
    """State in one SQLite file (created with a fresh lineage when missing)."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 15.0) -> None:
        self.path = Path(path)
        self._busy_timeout = busy_timeout
        super().__init__(str(self.path))
        self._mutex = threading.RLock()  # one connection, shared by the caller's threads
        self._conn = self._open()

    def __reduce__(self) -> tuple[Callable[..., SqliteStateStore], tuple[Path]]:
        # A process pool gets its own connection to the same file.
        return (partial(SqliteStateStore, busy_timeout=self._busy_timeout), (self.path,))

    def _open(self) -> sqlite3.Connection:
        self._pid = os.getpid()
        existed = self.path.is_file() and self.path.stat().st_size > 0
        if existed:
            with self.path.open("rb") as fh:
                if fh.read(len(_HEADER)) != _HEADER:
                    raise self._corrupt("it is not a SQLite database")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open state {self.path}: {exc}") from exc
        conn.row_factory = _dict_row
        try:
            if existed:
                self._check(conn)
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise self._corrupt(str(exc)) from exc
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        with self._tx(write=True) as tx:
            self._prepare(tx)
        return conn

    def _check(self, conn: sqlite3.Connection) -> None:
        """Integrity and version checks that only read, before anything is written."""
        problems = [row["quick_check"] for row in conn.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise self._corrupt("integrity check failed: " + "; ".join(problems[:3]))
        tables = self._table_names(_Tx(conn))
        if "meta" in tables:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            schema.check_version(int(row["value"]) if row else 0, str(self.path))

    def _corrupt(self, why: str) -> StateError:
        return StateError(
            f"state file {self.path} is corrupt or not a stackctl state ({why}); "
            "it was left untouched",
            hint=f"restore {self.path} from a backup, or move it away to start a new state",
        )

    def _table_names(self, tx: schema.Tx) -> list[str]:
        rows = tx.all("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [r["name"] for r in rows if not r["name"].startswith("sqlite_")]

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[_Tx]:
        with self._mutex:
            if self._pid != os.getpid():  # forked: a SQLite connection must not cross
                self._conn = self._open()
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                yield _Tx(conn)
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise self._translate(exc) from exc
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _translate(self, exc: sqlite3.Error) -> StateError:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return StateError(
                f"state {self.path} stayed busy for {self._busy_timeout:g}s: {exc}",
                hint="another stackctl is writing; retry in a moment",
            )
        if isinstance(exc, sqlite3.DatabaseError) and "malformed" in str(exc):
            return self._corrupt(str(exc))
        return StateError(f"state {self.path}: {exc}")

    def close(self) -> None:
        with self._mutex:
            self._conn.close()


_: type[StateStore] = SqliteStateStore
