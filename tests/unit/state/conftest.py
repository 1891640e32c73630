"""One contract, three stores: every test taking ``backend``/``store`` runs on each."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from stackctl.state.base import StateStore
from stackctl.state.memory import MemoryStateStore
from stackctl.state.sqlite import SqliteStateStore

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def pg_server() -> str:
    import psycopg

    try:
        psycopg.connect(f"{PG_SERVER}/test", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers on 127.0.0.1:5432 ({exc})")
    return PG_SERVER


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database, dropped afterwards."""
    import psycopg

    name = f"stackctl_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{pg_server}/test", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{pg_server}/{name}"
    with psycopg.connect(f"{pg_server}/test", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Backend:
    """Opens handles on one state, like separate processes would."""

    def __init__(self, kind: str, target: str) -> None:
        self.kind = kind
        self.target = target
        self._first: MemoryStateStore | None = None
        self._open: list[StateStore] = []

    def open(self) -> StateStore:
        store: StateStore
        if self.kind == "memory":
            if self._first is None:
                self._first = MemoryStateStore()
                store = self._first
            else:
                store = self._first.connect()
        elif self.kind == "sqlite":
            store = SqliteStateStore(self.target)
        else:
            from stackctl.state.postgres import PostgresStateStore

            store = PostgresStateStore(self.target)
        self._open.append(store)
        return store

    def close(self) -> None:
        for store in self._open:
            store.close()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "postgres":
        target = request.getfixturevalue("pg_url")
    else:
        target = str(tmp_path / ".stackctl" / "state.db")
    made = Backend(request.param, target)
    yield made
    made.close()


@pytest.fixture
def store(backend: Backend) -> StateStore:
    return backend.open()
