"""Golden files: compared, never created or rewritten by accident.

Update mode is `STACKCTL_UPDATE_GOLDEN=1` exactly (any other value, `0` included, only
compares) and is refused under CI, where a rewritten golden would pass by construction.
A missing golden fails: it is created only in update mode, then reviewed in the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def updating() -> bool:
    """True when the developer asked to rewrite goldens (never under CI)."""
    if os.environ.get("STACKCTL_UPDATE_GOLDEN") != "1":
        return False
    if os.environ.get("CI"):
        pytest.fail("STACKCTL_UPDATE_GOLDEN=1 under CI: goldens are updated locally, then reviewed")
    return True


def check_golden(path: Path, actual: str) -> None:
    """Assert `actual` equals the golden at `path` (rewrite it first in update mode)."""
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
    if not path.exists():
        pytest.fail(f"missing golden {path}: create it with STACKCTL_UPDATE_GOLDEN=1 and review it")
    assert actual == path.read_text()


def read_golden(path: Path) -> str:
    """A golden's text, for checks derived from it; a missing one fails as above."""
    if not path.exists():
        pytest.fail(f"missing golden {path}: create it with STACKCTL_UPDATE_GOLDEN=1 and review it")
    return path.read_text()
