"""Issue 13: another application's SQLite file is refused without being modified."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from stackctl.errors import StateError
from stackctl.state.sqlite import SqliteStateStore


def test_a_foreign_database_is_refused_untouched(tmp_path: Path):
    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users (name) VALUES ('ada')")
    conn.commit()
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(StateError, match="is not a stackctl state: it has tables \\(users\\)"):
        SqliteStateStore(db)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]  # no -wal, -shm
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    check.close()


def test_a_stackctl_state_still_opens_for_writing(tmp_path: Path):
    db = tmp_path / "state.db"
    lineage = SqliteStateStore(db).read().lineage
    assert lineage
    assert SqliteStateStore(db).read().lineage == lineage  # reopened through the probe
