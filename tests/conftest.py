"""Fixtures every suite may use: real services, started (or created) per test or module."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from support.services import MlflowServer, fresh_database, mlflow_server, moto_server, ray_head

# CI must be reproducible: the same examples on every run (a failure found locally is
# kept in .hypothesis/ and replayed first). Locally, hypothesis explores new inputs.
# No deadline in either: a test here checks behaviour, never time (a 200 ms deadline
# failed a SQLite round trip that took 485 ms on a busy 2-core machine).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards (skips without a server)."""
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """An S3 API server on 127.0.0.1, started for this module and stopped after."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver binds 127.0.0.1 on a free port (never a fixed one)."""
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def mlflow_tracking_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """One ``mlflow server`` (SQLite, basic auth) per test session: it takes seconds to
    start, so every test that needs one shares it (use unique experiment/model names)."""
    with mlflow_server(tmp_path_factory.mktemp("mlflow-server")) as server:
        yield server


@pytest.fixture(scope="session")
def ray_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ray cluster on loopback shared by the whole session (ray starts in seconds and
    takes hundreds of MB): its address, for configs with `address: HOST:PORT`."""
    # ray's socket paths must stay short: a temp dir of its own, not under tmp_path
    import tempfile

    temp = tempfile.mkdtemp(prefix="stackctl-test-ray-")
    # token auth (ray's default) with the token in the environment, as the ray flavors
    # do for their own instances: nothing is written to ~/.ray
    saved = {k: os.environ.get(k) for k in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN")}
    os.environ["RAY_AUTH_MODE"] = "token"
    os.environ["RAY_AUTH_TOKEN"] = uuid.uuid4().hex + uuid.uuid4().hex
    try:
        with ray_head(Path(temp)) as address:
            yield address
    finally:
        shutil.rmtree(temp, ignore_errors=True)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
