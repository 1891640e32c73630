"""Entry points of stackctl's plugin groups, scanned once per set of installed packages.

``importlib.metadata.entry_points`` imports ``email`` and friends and reads the metadata
of every installed distribution: 30-60 ms per call, and a run made two (flavors and
materializers) although almost no project has a plugin. One scan here reads every
``stackctl.*`` group and keeps the result in the user's cache folder
(``$XDG_CACHE_HOME/stackctl/entry-points-<key>.json``, plain JSON: nothing is executed
to read it), keyed by the interpreter and the modification time of every import path
folder: installing, upgrading or removing a package touches its site-packages folder,
so it is a new key and a new scan.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from stackctl.frozen import frozen

GROUP_PREFIX = "stackctl."


@frozen
class Plugin:
    """One entry point: ``value`` is ``module:attribute`` as in the package metadata."""

    name: str
    value: str
    group: str
    dist: str | None  # the distribution that declares it

    def load(self) -> Any:
        module, _, attr = self.value.partition(":")
        obj: Any = importlib.import_module(module.strip())
        for part in attr.strip().split(".") if attr.strip() else ():
            obj = getattr(obj, part)
        return obj


def entry_points(group: str) -> tuple[Plugin, ...]:
    """The entry points of ``group`` (one of stackctl's ``stackctl.*`` groups)."""
    return tuple(p for p in _all() if p.group == group)


@cache
def _all() -> tuple[Plugin, ...]:
    path = cache_file()
    with contextlib.suppress(Exception):  # unreadable or foreign: scan again
        rows = json.loads(path.read_text(encoding="utf-8"))
        return tuple(
            Plugin(str(n), str(v), str(g), None if d is None else str(d)) for n, v, g, d in rows
        )
    found = _scan()
    with contextlib.suppress(OSError):  # a cache must never break a run
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        import tempfile  # only on a write: its import (shutil, random) is ~4 ms

        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as fp:
            json.dump([[p.name, p.value, p.group, p.dist] for p in found], fp)
        Path(tmp).replace(path)
    return found


def _scan() -> tuple[Plugin, ...]:
    from importlib import metadata

    found, seen = [], set()
    for dist in metadata.distributions():  # as entry_points(): the first of a name wins
        name = dist.metadata["Name"]
        key = (name or "").lower().replace("-", "_")
        if key in seen:
            continue
        seen.add(key)
        for ep in dist.entry_points:
            if ep.group.startswith(GROUP_PREFIX):
                found.append(Plugin(ep.name, ep.value, ep.group, name))
    return tuple(sorted(found, key=lambda p: (p.group, p.name, p.value)))


def cache_file() -> Path:
    digest = hashlib.sha256(f"{sys.version}\0{sys.prefix}\0".encode())
    for entry in sys.path:
        if _has_packages(entry):
            with contextlib.suppress(OSError):
                digest.update(f"{entry}\0{Path(entry or '.').stat().st_mtime_ns}\n".encode())
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stackctl" / f"entry-points-{digest.hexdigest()[:32]}.json"


def _has_packages(entry: str) -> bool:
    """site-packages, or any import path folder holding installed distributions (a
    plugin on PYTHONPATH); not a script's folder, whose every new file would be a new key."""
    if entry.endswith(("site-packages", "dist-packages")):
        return True
    try:
        with os.scandir(entry or ".") as it:
            return any(e.name.endswith((".dist-info", ".egg-info")) for e in it)
    except OSError:
        return False


def clear() -> None:
    """Forget the scan of this process (tests that install plugins)."""
    _all.cache_clear()
