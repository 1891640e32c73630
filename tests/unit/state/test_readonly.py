"""SqliteStateStore(read_only=True): reads without ever creating, migrating or writing."""

from __future__ import annotations

import os
import pickle
import sqlite3
from pathlib import Path

import pytest

from stackctl.errors import StateError
from stackctl.model import Resource, Run, RunStatus, State, StateConfig
from stackctl.project import Project
from stackctl.state import open_state_store
from stackctl.state.sqlite import SqliteStateStore


def filled(path: Path) -> State:
    """A state file with one commit and one run, closed again."""
    store = SqliteStateStore(path)
    with store.lock("apply"):
        state = store.commit(
            upserts=[Resource("orchestrator.o", "orchestrator", "o", "local", {"n": 1})],
            operation="apply",
            who="ann",
            summary="create 1",
        )
    store.record_run(Run("run1", "training", "dev", RunStatus.COMPLETED, "2026-01-01T00:00:00Z"))
    store.close()
    return state


def fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_a_missing_file_reads_as_empty_and_nothing_is_created(tmp_path: Path) -> None:
    path = tmp_path / ".stackctl" / "state.db"
    store = SqliteStateStore(path, read_only=True)
    assert store.read() == State("", 0, {})
    assert store.history() == [] and store.runs() == [] and store.journal() == []
    assert store.lock_info() is None
    store.close()
    assert not (tmp_path / ".stackctl").exists()


def test_an_empty_file_stays_empty(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.touch()
    assert SqliteStateStore(path, read_only=True).read().serial == 0
    assert path.stat().st_size == 0


def test_reads_what_a_writer_committed_without_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    committed = filled(path)
    before = fingerprint(path)
    store = SqliteStateStore(path, read_only=True)
    assert store.read() == committed
    assert [h.summary for h in store.history()] == ["create 1"]
    assert [r.id for r in store.runs()] == ["run1"]
    assert store.export_dump().lineage == committed.lineage
    store.close()
    assert fingerprint(path) == before


def test_a_file_created_later_is_picked_up(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    reader = SqliteStateStore(path, read_only=True)
    assert reader.read().serial == 0
    committed = filled(path)
    assert reader.read() == committed


def test_every_write_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    filled(path)
    before = fingerprint(path)
    store = SqliteStateStore(path, read_only=True)
    with pytest.raises(StateError, match="read-only"), store.lock("apply"):
        pass
    with pytest.raises(StateError, match="read-only"):
        store.commit(operation="apply", who="ann", summary="x")
    with pytest.raises(StateError, match="read-only"):
        store.record_run(Run("run2", "training", "dev", RunStatus.RUNNING, "2026"))
    with pytest.raises(StateError, match="read-only"):
        SqliteStateStore(tmp_path / "new.db", read_only=True).journal_begin("a.b", "+", {})
    assert fingerprint(path) == before
    assert not (tmp_path / "new.db").exists()


def test_the_connection_itself_is_read_only(tmp_path: Path) -> None:
    # Below our own guard: SQLite opened the file mode=ro, so even raw SQL cannot write.
    path = tmp_path / "state.db"
    filled(path)
    store = SqliteStateStore(path, read_only=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store._conn.execute("DELETE FROM resources")


def test_an_older_schema_is_read_as_it_is_and_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    committed = filled(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    before = fingerprint(path)
    assert SqliteStateStore(path, read_only=True).read() == committed
    assert fingerprint(path) == before


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: p.write_text("not sqlite at all, just text"), "not a SQLite database"),
        (lambda p: _sql(p, "CREATE TABLE users (id INTEGER)"), "not a stackctl state"),
        (
            lambda p: _sql(
                p,
                "CREATE TABLE meta (key TEXT, value TEXT)",
                "INSERT INTO meta VALUES ('schema_version', '99')",
            ),
            "newer stackctl",
        ),
    ],
)
def test_files_it_cannot_read_are_refused_untouched(tmp_path: Path, setup, message: str) -> None:
    path = tmp_path / "state.db"
    setup(path)
    before = fingerprint(path)
    with pytest.raises(StateError, match=message):
        SqliteStateStore(path, read_only=True)
    assert fingerprint(path) == before


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "state.db").mkdir()
    with pytest.raises(StateError, match="not a file"):
        SqliteStateStore(tmp_path / "state.db", read_only=True)


def test_a_folder_it_cannot_write_opens_the_file_immutable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read-only mount: no -shm file can be made there, and nobody can be writing.
    path = tmp_path / "state.db"
    committed = filled(path)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode)
    )
    store = SqliteStateStore(path, read_only=True)
    assert store.read() == committed
    assert not (tmp_path / "state.db-shm").exists()


def test_a_process_pool_copy_stays_read_only(tmp_path: Path) -> None:
    copy = pickle.loads(pickle.dumps(SqliteStateStore(tmp_path / "state.db", read_only=True)))
    assert copy.read_only
    assert not (tmp_path / "state.db").exists()


def test_open_state_store_passes_read_only_through(tmp_path: Path) -> None:
    store = open_state_store(StateConfig(path="s/state.db"), tmp_path, read_only=True)
    assert isinstance(store, SqliteStateStore) and store.read_only
    assert store.read().serial == 0
    assert not (tmp_path / "s").exists()


def test_project_read_state_never_creates_the_file(tmp_path: Path) -> None:
    (tmp_path / "stackctl.yaml").write_text("project: fresh\n")
    project = Project(tmp_path)
    assert project.read_state().read().resources == {}
    assert project.read_state() is project.read_state()
    project.close()
    assert not (tmp_path / ".stackctl").exists()
    # Once a writable store is open, readers share it (they see its commits at once).
    writer = project.state()
    assert project.read_state() is writer
    project.close()
    assert (tmp_path / ".stackctl" / "state.db").is_file()
