"""Listing and deleting what stackctl wrote in an artifact store (``artifacts prune``).

Only keys stackctl itself creates are ever listed, so a file someone else put under
the store's root is never deleted: content objects ``<sha[:2]>/<sha256>/<file>``, step
logs ``logs/<run id>/<step>.log`` (a file, or chunk objects under that prefix), and
staging leftovers ``.tmp/*.part`` of writes a crash interrupted. Keys are relative to
the store's root; nothing outside it is touched and no symlink is followed.

Deleting from the ``local`` store moves the file aside first, then looks at its
modification time: ``put`` refreshes the time of an object it finds already published
(instead of writing it again), so an object a run reuses while the prune runs is put
back instead of deleted, and a ``put`` that comes after the move finds no object and
publishes it again. The file set aside is named after its key (``.tmp/*.aside``), so a
prune killed between the move and the put-back loses nothing: every listing of the
store first puts such files back (restoring is always safe: the sweep then decides
again). Object stores have no such move; there the grace period (``--grace``) and the
prune's start time protect objects written during the prune.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from stackctl.components.artifact_stores.base import TMP_DIR, ArtifactStore
from stackctl.frozen import frozen

_CONTENT = re.compile(r"^([0-9a-f]{2})/(\1[0-9a-f]{62})/[^/]+\Z")
_LOG = re.compile(r"^logs/[0-9A-Za-z_-]+/[^/]+\.log(/[^/]+)?\Z")
_STAGED = re.compile(rf"^{re.escape(TMP_DIR)}/[^/]+\.part\Z")
#: an object a prune set aside: ``<pid>-prune-<random>-<key, urlsafe base64>.aside``
_ASIDE = re.compile(r"^\d+-prune-[0-9a-f]+-([A-Za-z0-9_-]+)\.aside\Z")


@frozen
class Entry:
    """One object stackctl wrote: its key under the root, size and modification time."""

    key: str
    size: int
    mtime: float  # seconds since the epoch (0 when the store cannot tell)

    @property
    def staged(self) -> bool:
        return self.key.startswith(TMP_DIR + "/")


def is_ours(key: str) -> bool:
    """Whether ``key`` has the shape of something stackctl writes."""
    return bool(_CONTENT.match(key) or _LOG.match(key) or _STAGED.match(key))


def entries(store: ArtifactStore) -> Iterator[Entry]:
    """Every object stackctl wrote in ``store`` (unsupported flavors: none)."""
    path = getattr(store, "path", None)
    if type(store).__name__ == "LocalArtifactStore" and isinstance(path, Path):
        yield from _local_entries(path)
    elif hasattr(store, "fs") and isinstance(path, str):
        yield from _fs_entries(store, path)
    elif isinstance(getattr(store, "objects", None), dict):
        for key, data in list(getattr(store, "objects").items()):  # noqa: B009
            if is_ours(key):
                yield Entry(key, len(data), 0.0)


def remove(store: ArtifactStore, entry: Entry, cutoff: float) -> bool:
    """Delete one object unless it was modified at or after ``cutoff``; whether it went."""
    path = getattr(store, "path", None)
    if type(store).__name__ == "LocalArtifactStore" and isinstance(path, Path):
        return _local_remove(path, entry.key, cutoff)
    if hasattr(store, "fs") and isinstance(path, str):
        with contextlib.suppress(FileNotFoundError):
            getattr(store, "fs").rm_file(f"{path}/{entry.key}")  # noqa: B009
        return True
    objects = getattr(store, "objects", None)
    if isinstance(objects, dict):
        objects.pop(entry.key, None)
        return True
    return False


def supported(store: ArtifactStore) -> bool:
    """Whether prune can list and delete in this store's flavor."""
    path = getattr(store, "path", None)
    return (
        isinstance(path, Path)
        or (hasattr(store, "fs") and isinstance(path, str))
        or isinstance(getattr(store, "objects", None), dict)
    )


def _local_entries(root: Path) -> Iterator[Entry]:
    if not root.is_dir():
        return
    restore_aside(root)
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            full = Path(folder, name)
            key = full.relative_to(root).as_posix()
            if not is_ours(key):
                continue
            try:
                st = full.lstat()
            except FileNotFoundError:  # deleted meanwhile
                continue
            if stat.S_ISREG(st.st_mode):  # never a symlink (or anything else)
                yield Entry(key, st.st_size, st.st_mtime)


def _local_remove(root: Path, key: str, cutoff: float) -> bool:
    path = root / key
    token = base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")
    aside = root / TMP_DIR / f"{os.getpid()}-prune-{os.urandom(6).hex()}-{token}.aside"
    aside.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.rename(aside)  # from here a put finds no object and publishes it again
    except FileNotFoundError:
        return True
    if aside.lstat().st_mtime >= cutoff:  # reused (or written) since the prune began
        aside.rename(path)  # identical bytes either way: content addressed
        return False
    aside.unlink()
    return True


def _fs_entries(store: ArtifactStore, root: str) -> Iterator[Entry]:
    fs: Any = getattr(store, "fs")  # noqa: B009
    try:
        found = fs.find(root, detail=True, withdirs=False)
    except FileNotFoundError:
        return
    prefix = root.rstrip("/") + "/"
    for full, info in sorted(found.items()):
        key = full[len(prefix) :] if full.startswith(prefix) else ""
        if key and is_ours(key):
            yield Entry(key, int(info.get("size") or 0), _mtime(info))


def _mtime(info: dict[str, Any]) -> float:
    for field in ("LastModified", "mtime", "created", "last_modified"):
        value = info.get(field)
        if isinstance(value, datetime):
            return value.timestamp()
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return datetime.fromisoformat(value).timestamp()
    return 0.0


def restore_aside(root: Path) -> int:
    """Put back every object a killed prune left set aside (or drop the copy when its
    key exists again: content addressed, the bytes are the same); how many came back.
    The state lock lets one prune run at a time, so a file found here is not in use."""
    staging = root / TMP_DIR
    if not staging.is_dir():
        return 0
    restored = 0
    for aside in sorted(staging.iterdir()):
        match = _ASIDE.match(aside.name)
        if match is None or not aside.is_file() or aside.is_symlink():
            continue
        token = match.group(1)
        try:
            key = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError):
            continue
        parts = key.split("/")
        if not is_ours(key) or parts[0] == TMP_DIR or {".", ".."} & set(parts):
            continue  # only an object's own key: never a path elsewhere
        path = root / key
        try:
            if path.exists():
                aside.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            aside.rename(path)
        except OSError:  # left where it is: the next listing tries again
            continue
        restored += 1
    return restored
