"""Fixtures every suite may use: real services, started (or created) per test or module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.services import fresh_database, moto_server


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
