"""Throwaway step packages: written into a tmp folder, importable, forgotten afterwards."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def forget(package: str) -> None:
    """Drop ``package`` and its modules from ``sys.modules`` (the next import re-reads them)."""
    for name in [n for n in sys.modules if n.startswith(package)]:
        del sys.modules[name]


@contextmanager
def step_package(root: Path, prefix: str) -> Iterator[str]:
    """An empty package under ``root`` with a unique name (so tests never share
    ``sys.modules`` entries); afterwards it is forgotten and ``root`` leaves ``sys.path``."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    (root / name).mkdir()
    (root / name / "__init__.py").write_text("")
    try:
        yield name
    finally:
        forget(name)
        while str(root) in sys.path:
            sys.path.remove(str(root))
