"""open_state_store: picks and opens the backend stackctl.yaml names."""

from __future__ import annotations

import pytest

from stackctl.errors import StateError
from stackctl.model import StateConfig
from stackctl.state import open_state_store
from stackctl.state.memory import MemoryStateStore
from stackctl.state.sqlite import SqliteStateStore


def test_sqlite_path_is_relative_to_the_project_root(tmp_path):
    store = open_state_store(StateConfig(), tmp_path)
    assert isinstance(store, SqliteStateStore)
    assert store.path == tmp_path / ".stackctl" / "state.db"
    assert store.path.is_file()


def test_absolute_sqlite_path(tmp_path):
    target = tmp_path / "elsewhere.db"
    store = open_state_store(StateConfig(path=str(target)), tmp_path / "project")
    assert store.path == target


def test_memory():
    assert isinstance(open_state_store(StateConfig(backend="memory"), None), MemoryStateStore)


def test_postgres_needs_a_url(tmp_path):
    with pytest.raises(StateError, match="needs a url"):
        open_state_store(StateConfig(backend="postgres"), tmp_path)


def test_unknown_backend_lists_the_valid_ones(tmp_path):
    with pytest.raises(StateError, match="unknown state backend 'etcd'") as caught:
        open_state_store(StateConfig(backend="etcd"), tmp_path)
    assert "sqlite, postgres, memory" in caught.value.hint


@pytest.mark.postgres
def test_postgres(pg_url, tmp_path):
    from stackctl.state.postgres import PostgresStateStore

    store = open_state_store(StateConfig(backend="postgres", url=pg_url), tmp_path)
    assert isinstance(store, PostgresStateStore)
    assert store.read().serial == 0
    store.close()


def test_opening_sqlite_never_imports_psycopg(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from stackctl.model import StateConfig;"
        "from stackctl.state import open_state_store;"
        f"open_state_store(StateConfig(), Path({str(tmp_path)!r})).read();"
        "assert 'psycopg' not in sys.modules, 'psycopg imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
