"""Stores shared by separate OS processes: a SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.stores import open_store

from stackctl.state.base import StateStore

WORKER = Path(__file__).with_name("lock_worker.py")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the state lives, as lock_worker.py takes it."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "state.db")


@pytest.fixture
def open_target(target: str) -> Iterator[Callable[[], StateStore]]:
    """Opens a store on ``target`` in this process (closed afterwards)."""
    opened: list[StateStore] = []

    def open_one() -> StateStore:
        store = open_store(target)
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture
def spawn() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Starts lock_worker.py processes; any still running at the end are killed."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
