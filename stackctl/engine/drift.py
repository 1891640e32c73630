"""`stackctl drift`: compare reality with state, read-only by construction.

Takes only a ``read()`` callable and never a store, so it cannot lock or write.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stackctl.config.secrets import Secrets
from stackctl.engine.changes import Drift
from stackctl.engine.refresh import refresh
from stackctl.model import State


def detect_drift(read: Callable[[], State], root: Path, secrets: Secrets) -> list[Drift]:
    """Every resource whose real counterpart differs from what state records."""
    return refresh(read(), root, secrets)
