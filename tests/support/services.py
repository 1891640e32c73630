"""Real services on this machine: a fresh PostgreSQL database, an S3 API (moto server),
an MLflow tracking server with basic auth, a ray cluster."""

from __future__ import annotations

import contextlib
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


def ray_processes(marker: str) -> list[int]:
    """Live processes whose command line names ``marker`` (a ray temp dir), and all
    their descendants (ray workers rename themselves `ray::IDLE`, so only the tree
    finds them)."""
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if stat[0] == "Z":
            continue
        children.setdefault(int(stat[1]), []).append(int(entry.name))
        if marker in cmdline:
            roots.append(int(entry.name))
    found, todo = set(roots), list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found)


@contextmanager
def ray_head(temp_dir: Path, num_cpus: int = 2) -> Iterator[str]:
    """A ray cluster (`ray start --head --block`) on free loopback ports, its files in
    ``temp_dir``: its GCS address. Every process it started is ended afterwards."""
    port = free_port()
    ports = {
        "--port": port,
        "--node-manager-port": free_port(),
        "--object-manager-port": free_port(),
        # the head still runs its dashboard process (jobs API) even without the UI:
        # on a port of its own, never the fixed 8265, so two sessions can run at once
        "--dashboard-port": free_port(),
        "--dashboard-agent-listen-port": free_port(),
        "--dashboard-agent-grpc-port": free_port(),
        "--runtime-env-agent-port": free_port(),
        "--metrics-export-port": free_port(),
    }
    command = [
        str(Path(sys.executable).with_name("ray")),
        "start",
        "--head",
        "--block",
        "--node-ip-address=127.0.0.1",
        f"--num-cpus={num_cpus}",
        "--include-dashboard=false",
        f"--object-store-memory={100 * 1024 * 1024}",
        f"--temp-dir={temp_dir}",
        "--disable-usage-stats",
        *(f"{flag}={value}" for flag, value in ports.items()),
    ]
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                service_missing(f"`ray start --head` exited: {proc.stderr.read()[-500:]!r}")  # type: ignore[union-attr]
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            if time.monotonic() > deadline:
                service_missing("`ray start --head` did not listen within 60 s")
            time.sleep(0.2)
        yield address
    finally:
        end_processes([*ray_processes(str(temp_dir)), proc.pid])
        proc.wait(10)


def end_processes(pids: list[int]) -> None:
    """SIGTERM, up to 5 s, then SIGKILL: each pid (ours only: found by temp dir)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    for pid in pids:
        if _alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return stat[0] != "Z"
