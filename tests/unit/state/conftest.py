"""One contract, three stores: every test taking ``backend``/``store`` runs on each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.stores import open_store

from stackctl.state.base import StateStore
from stackctl.state.memory import MemoryStateStore


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
        else:
            store = open_store(self.target)
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
