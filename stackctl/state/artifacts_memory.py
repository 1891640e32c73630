"""Named artifacts for the memory store: the SQL of ``artifacts_sql`` on an in-process
SQLite database (no file), so the memory store tests the very queries SQLite and
PostgreSQL run instead of a second implementation that could drift from them."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from stackctl.state.artifacts_schema import V4, V4_TABLES
from stackctl.state.artifacts_sql import NamedArtifactRecords
from stackctl.state.sqlite import SqliteTx


class NamedDatabase:
    """One in-memory database shared by every handle on the same memory state."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self.conn.row_factory = lambda cursor, row: {
            d[0]: v for d, v in zip(cursor.description, row, strict=True)
        }
        self.mutex = threading.RLock()
        for statement in V4:
            self.conn.execute(statement)

    def rows(self) -> dict[str, tuple[dict[str, Any], ...]]:
        with self.mutex:
            return {t: tuple(self.conn.execute(f"SELECT * FROM {t}")) for t in V4_TABLES}

    def replace(self, tables: Mapping[str, tuple[Mapping[str, Any], ...]]) -> None:
        with self.mutex:
            self.conn.execute("BEGIN")
            for table in V4_TABLES:
                self.conn.execute(f"DELETE FROM {table}")
                for row in tables.get(table, ()):
                    self.conn.execute(
                        f"INSERT INTO {table} ({', '.join(row)})"
                        f" VALUES ({', '.join('?' * len(row))})",
                        tuple(row.values()),
                    )
            self.conn.execute("COMMIT")


class MemoryNamedArtifacts(NamedArtifactRecords):
    """Mixin for MemoryStateStore: needs ``self._named`` (a NamedDatabase)."""

    _named: NamedDatabase

    @contextmanager
    def _tx(self, write: bool = False, durable: bool = True) -> Iterator[SqliteTx]:  # type: ignore[override]
        with self._named.mutex:
            conn = self._named.conn
            conn.execute("BEGIN")
            try:
                yield SqliteTx(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
