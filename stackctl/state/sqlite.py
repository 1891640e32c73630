"""The embedded default state store: one SQLite file, `.stackctl/state.db`.

WAL mode lets readers (`stackctl show`, the dashboard, runs) go on while a writer
commits; every write is a short ``BEGIN IMMEDIATE`` transaction with a busy timeout.
A file that is not a healthy stackctl database is refused, and never written to.

The integrity check (``PRAGMA quick_check``) reads the whole file, so its cost grows
with the state (16 ms at 2 MB, 69 ms at 19 MB): an open skips it when the file is
exactly as a clean close of this store left it. That close (the last connection's
checkpoint done, no ``-wal`` file left) writes the file's identity (size, mtime,
ctime, inode) to ``state.db.checked``; any other change to the file, a crash (a
``-wal`` file with frames left behind) or a missing/torn stamp makes the next open
check again.

``read_only=True`` is for commands that only look (show, drift, runs, the dashboard):
the file is opened ``mode=ro``, the schema is neither created nor migrated, and a
missing file reads as an empty state without creating anything.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from stackctl.errors import StateError
from stackctl.state import schema
from stackctl.state.artifacts_schema import stand_in
from stackctl.state.base import SCHEMA_VERSION, StateStore
from stackctl.state.disk import disk_error, is_full
from stackctl.state.sql import SqlStateStore

_HEADER = b"SQLite format 3\x00"
#: Schemas a read-only open can query without migrating them first (v2 only added
#: indexes; v3 added ``resource_changes``, which only ``state_at`` reads, and v1/v2
#: files have a full snapshot for every serial, so it is never needed there). A
#: migration that changes existing tables or columns must raise the lower bound.
_READABLE_SCHEMAS = range(1, SCHEMA_VERSION + 1)


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: value for d, value in zip(cursor.description, row, strict=True)}


class SqliteTx:
    """The schema.Tx contract over one sqlite3 connection (also used by the memory store)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def one(self, sql: str, *params: Any) -> Mapping[str, Any] | None:
        row: Mapping[str, Any] | None = self._conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, *params: Any) -> list[Mapping[str, Any]]:
        return list(self._conn.execute(sql, params).fetchall())

    def run(self, sql: str, *params: Any) -> int:
        return self._conn.execute(sql, params).rowcount

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)


class SqliteStateStore(SqlStateStore):
    """State in one SQLite file (created with a fresh lineage when missing, unless
    ``read_only``: then a missing file reads as an empty state and nothing is created)."""

    def __init__(
        self, path: str | Path, *, busy_timeout: float = 15.0, read_only: bool = False
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._busy_timeout = busy_timeout
        self._missing = False  # read-only and no file yet: an in-memory empty state
        super().__init__(str(self.path))
        self._mutex = threading.RLock()  # one connection, shared by the caller's threads
        self._conn = self._open()

    def __reduce__(self) -> tuple[Callable[..., SqliteStateStore], tuple[Path]]:
        # A process pool gets its own connection to the same file.
        opener = partial(
            SqliteStateStore, busy_timeout=self._busy_timeout, read_only=self.read_only
        )
        return (opener, (self.path,))

    def _exists(self) -> bool:
        return self.path.is_file() and self.path.stat().st_size > 0

    def _open(self) -> sqlite3.Connection:
        self._pid = os.getpid()
        existed = self._exists()
        clean = existed and self._clean()  # as our own clean close left it
        if existed:
            with self.path.open("rb") as fh:
                if fh.read(len(_HEADER)) != _HEADER:
                    raise self._corrupt("it is not a SQLite database")
            if not self.read_only and not clean:  # a clean file is ours: no probe
                self._probe()
        elif self.read_only:
            if self.path.exists() and not self.path.is_file():
                raise StateError(f"cannot open state {self.path}: it is not a file")
            return self._empty()
        self._missing = False
        try:
            if self.read_only:
                conn = self._connect(self._read_only_uri(), uri=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = self._connect(str(self.path))
        except (OSError, sqlite3.Error) as exc:
            raise disk_error(self.path, exc) or StateError(
                f"cannot open state {self.path}: {exc}"
            ) from exc
        conn.row_factory = _dict_row
        try:
            found = self._check(conn, quick=not clean) if existed else None
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            if self.read_only:
                self._check_readable(conn, found)
            else:  # WAL is recorded in the file itself: only a writer may choose it
                self._wal(conn)
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.OperationalError as exc:  # e.g. a directory, no permission
            conn.close()
            raise disk_error(self.path, exc) or StateError(
                f"cannot open state {self.path}: {exc}"
            ) from exc
        except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
            conn.close()
            raise self._corrupt(str(exc)) from exc
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        if self.read_only and found is not None and found < 4:  # before named artifacts
            stand_in(conn.execute)
        if self.read_only and found is None:  # a SQLite file without any table yet
            conn.close()
            return self._empty()
        if found != SCHEMA_VERSION and not self.read_only:  # new or older: create / migrate
            with self._tx(write=True) as tx:
                self._prepare(tx)
        return conn

    def _probe(self) -> None:
        """Refuse another application's database before a writer touches it: a
        writable open switches the file to WAL (and creates -wal/-shm next to it), so
        the schema is checked through a read-only connection first."""
        try:
            probe = self._connect(self._read_only_uri(), uri=True)
        except sqlite3.Error:
            return  # the writable open below words the failure
        try:
            probe.row_factory = _dict_row
            if self._check(probe) is None:
                tables = self._table_names(SqliteTx(probe))
                if tables:
                    raise schema.foreign_tables(tables, str(self.path))
        except sqlite3.OperationalError:
            pass  # e.g. a WAL file whose -shm a reader cannot create: the writer decides
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(str(exc)) from exc
        finally:
            probe.close()

    def _wal(self, conn: sqlite3.Connection) -> None:
        # Switching to WAL needs the database to itself, and SQLite answers "locked" at
        # once (no busy handler) while another process is creating the schema: two
        # stackctl processes starting on a new state file. Retry within busy_timeout.
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _connect(self, target: str, *, uri: bool = False) -> sqlite3.Connection:
        return sqlite3.connect(
            target,
            timeout=self._busy_timeout,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,
            uri=uri,
        )

    def _read_only_uri(self) -> str:
        uri = self.path.resolve().as_uri() + "?mode=ro"
        # A WAL reader needs the -shm file; in a folder it cannot write (a read-only
        # mount) nobody can be writing either, so the file is immutable for us.
        # So too on a full disk, where SQLite cannot grow the -shm file: a reader then
        # sees the last checkpoint (committed data), and every read command still works.
        writable = os.access(self.path.parent, os.W_OK) and not is_full(self.path.parent)
        return uri if writable else uri + "&immutable=1"

    def _empty(self) -> sqlite3.Connection:
        """An in-memory empty state (lineage "") standing in for a file not created yet;
        ``_tx`` switches to the file as soon as a writer has created it."""
        self._missing = True
        conn = self._connect(":memory:")
        conn.row_factory = _dict_row
        conn.execute("BEGIN")
        schema.migrate(SqliteTx(conn), 0, "")
        conn.execute("COMMIT")
        return conn

    def _check_readable(self, conn: sqlite3.Connection, found: int | None) -> None:
        """Refuse, without writing, a file a read-only open cannot query as it is."""
        if found is None:
            tables = self._table_names(SqliteTx(conn))
            if tables:
                raise schema.foreign_tables(tables, str(self.path))
        elif found not in _READABLE_SCHEMAS:
            raise StateError(
                f"state {self.path} has schema {found}, which this stackctl must upgrade "
                "before reading it",
                hint="run `stackctl plan` once (it upgrades the state file), then retry",
            )

    def _check(self, conn: sqlite3.Connection, *, quick: bool = True) -> int | None:
        """Integrity and version checks that only read, before anything is written;
        the schema version found (None when the file has no stackctl metadata).
        ``quick=False`` (a file as our clean close left it) skips the integrity scan."""
        if quick:
            problems = [row["quick_check"] for row in conn.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise self._corrupt("integrity check failed: " + "; ".join(problems[:3]))
        if "meta" not in self._table_names(SqliteTx(conn)):
            return None
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        found = int(row["value"]) if row else 0
        schema.check_version(found, str(self.path))
        return found

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
    def _tx(self, write: bool = False, durable: bool = True) -> Iterator[SqliteTx]:
        """One transaction. ``durable`` writes (resources, history, lock, journal) are
        fsynced at COMMIT, so even a power loss keeps what apply did; run records use
        WAL's NORMAL mode (safe against a crash of stackctl, one fsync per checkpoint)."""
        with self._mutex:
            if write and self.read_only:
                raise StateError(
                    f"state {self.path} was opened read-only, and this needs to change it",
                    hint="this is a stackctl bug: report it with the command you ran",
                )
            conn = self._current()
            full = write and durable
            try:
                if full:
                    conn.execute("PRAGMA synchronous = FULL")
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                yield SqliteTx(conn)
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise self._translate(exc) from exc
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                if full:
                    conn.execute("PRAGMA synchronous = NORMAL")

    def _current(self) -> sqlite3.Connection:
        """The connection to use now (call with ``_mutex`` held)."""
        if self._pid != os.getpid():  # forked: a SQLite connection must not cross
            self._conn = self._open()
        elif self._missing and self._exists():  # a writer created the file meanwhile
            self._conn.close()
            self._conn = self._open()
        return self._conn

    def _query(self, sql: str, *params: Any) -> list[Mapping[str, Any]]:
        """One read statement in autocommit mode: SQLite runs a statement in its own
        read transaction, so a lookup made for every cache hit skips BEGIN and COMMIT."""
        with self._mutex:
            try:
                return list(self._current().execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise self._translate(exc) from exc

    def _translate(self, exc: sqlite3.Error) -> StateError:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return StateError(
                f"state {self.path} stayed busy for {self._busy_timeout:g}s: {exc}",
                hint="another stackctl is writing; retry in a moment",
            )
        if isinstance(exc, sqlite3.DatabaseError) and "malformed" in str(exc):
            return self._corrupt(str(exc))
        return disk_error(self.path, exc) or StateError(f"state {self.path}: {exc}")

    def close(self) -> None:
        with self._mutex:
            self._conn.close()
            if not self.read_only and not self._missing and self._pid == os.getpid():
                self._stamp_clean()

    def _identity(self) -> str | None:
        """The state file's size, mtime, ctime and inode; None when a ``-wal`` file
        holds frames (another connection is writing, or one ended without its
        checkpoint). An empty ``-wal`` holds nothing the file lacks: a read-only
        connection (`stackctl runs list`, the dashboard) leaves one behind, as it may
        not delete it, and that must not cost the next run a scan of the whole file."""
        try:
            with contextlib.suppress(FileNotFoundError):
                if self.path.with_name(self.path.name + "-wal").stat().st_size:
                    return None
            st = self.path.stat()
        except OSError:
            return None
        return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"

    def _stamp_path(self) -> Path:
        return self.path.with_name(self.path.name + ".checked")

    def _clean(self) -> bool:
        """Whether the file is exactly as a clean close of this store left it (the
        stamp of ``_stamp_clean``): then its integrity check can be skipped."""
        found = self._identity()
        if found is None:
            return False
        try:
            return self._stamp_path().read_text() == found
        except (OSError, UnicodeDecodeError):
            return False

    def _stamp_clean(self) -> None:
        """After the last connection's close (checkpointed, no ``-wal`` left): record
        the file's identity so the next open need not scan it. Best effort: without a
        stamp the next open checks, as before."""
        found = self._identity()
        stamp = self._stamp_path()
        try:
            if found is None:
                stamp.unlink(missing_ok=True)
            else:
                stamp.write_text(found)
        except OSError:
            pass


_: type[StateStore] = SqliteStateStore
