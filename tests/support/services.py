"""Real services on this machine: a fresh PostgreSQL database, an S3 API (moto server),
an MLflow tracking server with basic auth."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# STACKCTL_TEST_PG points the fixtures elsewhere (a closed port shows what CI does
# when the server is down).
PG_SERVER = os.environ.get("STACKCTL_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


def service_missing(reason: str) -> None:
    """Skip locally; under CI a missing service fails the test, so CI cannot go green by
    skipping what it was meant to test."""
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason} (CI must run every service test; start the service)")
    pytest.skip(reason)


def require_postgres() -> str:
    """The server URL (no database); skips the test when nothing answers (fails under CI)."""
    import psycopg  # a dev dependency: only the server may be missing

    try:
        psycopg.connect(f"{PG_SERVER}/test", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        service_missing(f"no PostgreSQL server answers at {PG_SERVER} ({exc})")
    return PG_SERVER


@contextmanager
def fresh_database(prefix: str = "stackctl_test") -> Iterator[str]:
    """The URL of a new, empty database, dropped (sessions and all) afterwards."""
    import psycopg

    server = require_postgres()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/test", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/test", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    """An S3 API (moto's server mode) on a free loopback port: its endpoint URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    """A boto3 client of the moto server, for looking behind a store's back."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


@dataclass(frozen=True)
class MlflowServer:
    """An ``mlflow server`` with basic auth: its URL and the admin's credentials."""

    url: str
    username: str
    password: str
    pid: int
    log: Path


MLFLOW_START_S = 180  # MLflow's import + table migrations: ~10 s quiet, far more loaded


@contextmanager
def mlflow_server(workdir: Path) -> Iterator[MlflowServer]:
    """``mlflow server --app-name basic-auth`` on a free loopback port, SQLite backend
    and a file artifact root under ``workdir``; stopped (its whole process group) after.

    The server is a dev dependency, so failing to start is a test failure, not a skip.
    """
    port = free_port()
    password = secrets.token_urlsafe(16)
    workdir.mkdir(parents=True, exist_ok=True)
    auth = workdir / "basic_auth.ini"
    auth.write_text(
        "[mlflow]\n"
        "default_permission = READ\n"
        f"database_uri = sqlite:///{workdir / 'auth.db'}\n"
        "admin_username = admin\n"
        f"admin_password = {password}\n"
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
    )
    env = dict(
        os.environ,
        MLFLOW_AUTH_CONFIG_PATH=str(auth),
        MLFLOW_FLASK_SERVER_SECRET_KEY=secrets.token_hex(16),
    )
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--app-name",
        "basic-auth",
        "--backend-store-uri",
        f"sqlite:///{workdir / 'mlflow.db'}",
        "--default-artifact-root",
        (workdir / "artifacts").as_uri(),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    log = workdir / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=workdir,
            env=env,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + MLFLOW_START_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-3000:]
                pytest.fail(f"mlflow server did not start on {url}:\n{tail}")
            time.sleep(0.5)
        yield MlflowServer(url, "admin", password, proc.pid, log)
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                continue
