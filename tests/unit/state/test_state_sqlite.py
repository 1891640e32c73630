"""SQLite specifics: file creation, WAL, schema versions, refusing corrupt files."""

from __future__ import annotations

import os
import pickle
import sqlite3

import pytest

from stackctl.errors import StateError
from stackctl.model import MetadataCopy, Resource
from stackctl.state import schema
from stackctl.state.base import SCHEMA_VERSION
from stackctl.state.metadata_copy import copy_statements
from stackctl.state.sqlite import SqliteStateStore


def make(path) -> SqliteStateStore:
    store = SqliteStateStore(path)
    with store.lock("apply"):
        store.commit(
            upserts=[Resource("orchestrator.local", "orchestrator", "local", "local", {})],
            operation="apply",
            who="ann",
            summary="1 added",
        )
    store.close()
    return store


def test_creates_missing_directories_in_wal_mode(tmp_path):
    path = tmp_path / "a" / "b" / "state.db"
    store = SqliteStateStore(path)
    assert path.is_file()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    meta = dict(sqlite3.connect(path).execute("SELECT key, value FROM meta").fetchall())
    assert meta == {
        "lineage": store.read().lineage,
        "serial": "0",
        "schema_version": str(SCHEMA_VERSION),
    }


def test_migrations_cover_every_version():
    assert sorted(schema.MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "state.db"
    make(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StateError) as caught:
        SqliteStateStore(path)
    assert caught.value.message == (
        f"state at {path} was written by a newer stackctl (schema 99 > {SCHEMA_VERSION}); "
        "upgrade stackctl"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [b"this is not a database\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "bad-header-page"],
)
def test_garbage_file_is_refused_untouched(tmp_path, content):
    path = tmp_path / "state.db"
    path.write_bytes(content)
    with pytest.raises(StateError) as caught:
        SqliteStateStore(path)
    assert str(path) in caught.value.message
    assert "left untouched" in caught.value.message
    assert "backup" in caught.value.hint
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.db"]


def test_damaged_pages_are_refused_untouched(tmp_path):
    path = tmp_path / "state.db"
    make(path)
    with sqlite3.connect(path) as conn:  # fold the WAL back so the pages are in the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page, len(data)):  # wreck every page after the first
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    with pytest.raises(StateError, match="corrupt"):
        SqliteStateStore(path)
    assert path.read_bytes() == bytes(data)


def test_foreign_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.close()
    with pytest.raises(StateError, match=r"not a stackctl state: it has tables \(customers\)"):
        SqliteStateStore(path)


def test_empty_file_becomes_a_state(tmp_path):
    path = tmp_path / "state.db"
    path.touch()
    assert SqliteStateStore(path).read().serial == 0


def test_pickled_store_reopens_the_same_file(tmp_path):
    store = SqliteStateStore(tmp_path / "state.db")
    copy = pickle.loads(pickle.dumps(store))
    assert copy.read().lineage == store.read().lineage


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_gets_its_own_connection(tmp_path):
    store = make(tmp_path / "state.db")
    store = SqliteStateStore(tmp_path / "state.db")
    pid = os.fork()
    if pid == 0:  # child: must not reuse the parent's connection
        try:
            store.journal_begin("stack.dev", "create", {})
            os._exit(0 if store.read().serial == 1 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert [e["address"] for e in store.journal()] == ["stack.dev"]


def test_unwritable_location_is_a_state_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StateError, match="cannot open state"):
        SqliteStateStore(blocker / "state.db")


def test_older_schema_is_migrated_forward_keeping_the_data(tmp_path):
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = lambda cur, row: dict(zip([d[0] for d in cur.description], row))

    class Tx:  # what a v1 stackctl did on a new file
        def run(self, sql, *params):
            return conn.execute(sql, params).rowcount

    schema.MIGRATIONS[1](Tx(), "lineage-from-v1")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.execute(
        "INSERT INTO runs VALUES ('r1', 1, 'p', 'dev', 'completed', '2026', NULL, '{}', '',"
        " '{}', '{}')"
    )
    conn.close()
    store = SqliteStateStore(path)
    assert store.read().lineage == "lineage-from-v1"
    assert [r.id for r in store.runs()] == ["r1"]
    check = sqlite3.connect(path)
    version = check.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)
    indexes = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"runs_seq", "step_runs_seq", "artifacts_seq"} <= indexes
    check.close()


def test_a_cache_hits_copy_finds_its_producer_by_index_also_after_migrating_from_v7(tmp_path):
    """A cache hit copies its producer step's metadata: by index, not the run's rows."""
    path = tmp_path / "state.db"
    make(path)
    with sqlite3.connect(path) as conn:  # as schema v7 left it
        conn.execute("DROP INDEX metadata_step")
        conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    conn.close()
    SqliteStateStore(path).close()  # migrates to the current schema
    ((sql, params),) = copy_statements([MetadataCopy("r2", "s", "r", "s")])
    with sqlite3.connect(path) as conn:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    conn.close()
    assert version == (str(SCHEMA_VERSION),)
    assert any("metadata_step" in row[-1] for row in plan), plan
