"""Words for the two disk problems SQLite reports vaguely: a full disk ("disk I/O
error", "database or disk is full") and a read-only one ("unable to open database
file", "attempt to write a readonly database"). Root ignores mode bits, so "read-only"
means the filesystem is mounted so (or the file is immutable), which statvfs tells."""

from __future__ import annotations

import os
from pathlib import Path

from stackctl.errors import StateError


def is_full(folder: Path) -> bool:
    try:
        return os.statvfs(folder).f_bavail == 0
    except OSError:
        return False


def is_read_only(folder: Path) -> bool:
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK)


def disk_error(path: Path, exc: Exception) -> StateError | None:
    """A StateError saying what is wrong with the disk under ``path``, or None when the
    failure is not a disk problem."""
    folder = path.parent
    reads = "read-only commands (`show`, `state list`, `runs list`) still work"
    if is_full(folder):
        return StateError(
            f"no space left on device at {folder} (state {path}: {exc})",
            hint=f"free some space there, then retry; {reads}",
        )
    if is_read_only(folder):
        return StateError(
            f"{folder} is read-only: state {path} cannot be written ({exc})",
            hint=f"remount it read-write or point `state:` in stackctl.yaml at a writable "
            f"path; {reads}",
        )
    return None
