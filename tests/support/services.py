"""Real services on this machine: a fresh PostgreSQL database, an S3 API (moto server)."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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
