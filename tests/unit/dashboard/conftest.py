"""The `dash` fixture: the dashboard app over a project on disk and a filled MemoryStateStore."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dashboard_records import fill, write_project

from stackctl.dashboard.app import create_app
from stackctl.dashboard.source import Source
from stackctl.project import Project
from stackctl.state.memory import MemoryStateStore

with warnings.catch_warnings():  # starlette nags about httpx -> httpx2; httpx is what we ship
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@dataclass
class Fixture:
    root: Path
    store: MemoryStateStore
    client: TestClient


@pytest.fixture
def dash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fixture]:
    monkeypatch.delenv("STACKCTL_STACK", raising=False)
    write_project(tmp_path)
    store = MemoryStateStore()
    fill(store, tmp_path)
    app = create_app(Source(Project(tmp_path), store))
    with TestClient(app) as client:
        yield Fixture(tmp_path, store, client)
