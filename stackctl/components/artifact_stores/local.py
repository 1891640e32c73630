"""The ``local`` artifact store: a folder on this machine, plus its provisioner.

Publishing is temp file + rename, so a reader (or a crash, kill -9 included) never
sees a partial object. Durability against power loss is batched: ``put`` does not
fsync; ``sync(uris)`` fsyncs the files and their folders concurrently (the filesystem
journal commits them together), and the run loop calls it once before it records the
run as finished. One fsync per object cost ~4 ms here, more than a whole trivial step;
on Linux a big batch is a single ``syncfs`` call.
Objects up to ``SPOOL_BYTES`` are hashed in memory first, so an output that is already
stored (a re-run) costs no disk write at all.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from stackctl.components.artifact_stores.base import (
    TMP_DIR,
    ArtifactStore,
    HashingWriter,
    StoredObject,
    Writer,
    key_of,
    missing,
    object_key,
)
from stackctl.components.provisioner import Observation, check_same
from stackctl.errors import ProvisionError

DEFAULT_PATH = ".stackctl/artifacts"
SPOOL_BYTES = 1 << 18  # objects up to this size are hashed before touching the disk
SYNC_THREADS = 16
# From this many objects, one syncfs beats an fsync each (3-5x); below it, fsyncs keep
# the wait bounded to our own files (syncfs also flushes other programs' dirty data).
SYNCFS_MIN = 256


def store_path(config: Mapping[str, Any], root: Path) -> Path:
    """The store's folder: ``config.path`` relative to the project root, or absolute."""
    return (root / str(config.get("path") or DEFAULT_PATH)).resolve()


class _Spool:
    """A write-only file that keeps up to ``limit`` bytes in memory, then spills to a
    temp file in the store's staging folder."""

    def __init__(self, staging: Path, limit: int) -> None:
        self.staging = staging
        self.limit = limit
        self.memory: io.BytesIO | None = io.BytesIO()
        self.file: BinaryIO | None = None
        self.tmp: Path | None = None

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self.memory is not None:
            if self.memory.tell() + memoryview(data).nbytes <= self.limit:
                return self.memory.write(data)
            self.stage()
        assert self.file is not None
        return self.file.write(data)

    def stage(self) -> None:
        assert self.memory is not None
        self.file, self.tmp = _temp_file(self.staging)
        self.file.write(self.memory.getbuffer())
        self.memory = None

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    def discard(self) -> None:
        self.close()
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


# What tempfile.mkstemp opens with (exclusive, no symlink followed, mode 0600), without
# importing tempfile on the run path (with shutil, random, bz2, lzma: ~4 ms of start-up)
_TEMP_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_TEMP_TRIES = 100


def _temp_file(staging: Path) -> tuple[BinaryIO, Path]:
    """A new staging file ``<pid>-<random>.part``, created exclusively."""
    for _ in range(_TEMP_TRIES):
        name = staging / f"{os.getpid()}-{os.urandom(6).hex()}.part"
        try:
            fd = os.open(name, _TEMP_FLAGS, 0o600)
        except FileExistsError:  # a name taken (astronomically rare): draw another
            continue
        except FileNotFoundError:  # first write to this store: create it
            staging.mkdir(parents=True, exist_ok=True)
            fd = os.open(name, _TEMP_FLAGS, 0o600)
        return os.fdopen(fd, "wb"), name
    raise FileExistsError(f"no free staging file name in {staging}")


class LocalArtifactStore:
    """Objects are files; ``put`` stages a temp file and renames it into place."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.path = store_path(config, root)

    @property
    def root(self) -> str:
        return str(self.path)

    def put(self, filename: str, write: Writer) -> StoredObject:
        # Staged on the store's own filesystem, so publishing is one rename.
        spool = _Spool(self.path / TMP_DIR, SPOOL_BYTES)
        try:
            hashing = HashingWriter(spool)  # type: ignore[arg-type]  # a write-only BinaryIO
            write(hashing)  # type: ignore[arg-type]
            digest = hashing.hexdigest()
            final = self.path / object_key(digest, filename)
            if _new_folder(final.parent) or not _refreshed(final):
                if spool.memory is not None:  # small: stage it now, in one write
                    spool.stage()
                spool.close()
                assert spool.tmp is not None
                spool.tmp.replace(final)
            else:  # same bytes already published: nothing to do
                spool.discard()
        except BaseException:
            spool.discard()
            raise
        return StoredObject(str(final), digest, hashing.size)

    def sync(self, uris: Iterable[str]) -> None:
        """Make these objects durable: fsync each file and each folder on its path
        (once), concurrently. Objects already durable cost one cheap fsync each."""
        files: set[str] = set()
        folders: set[str] = set()
        for uri in uris:
            path = self._file(uri)
            files.add(str(path))
            for parent in path.parents:  # the object folder, its prefix folder, the root
                folders.add(str(parent))
                if parent == self.path:
                    break
        if not files or (len(files) >= SYNCFS_MIN and _syncfs(self.path)):
            return
        from concurrent.futures import ThreadPoolExecutor  # ~2 ms: only for these fsyncs

        with ThreadPoolExecutor(min(SYNC_THREADS, len(files))) as pool:
            list(pool.map(_fsync, sorted(files)))
            list(pool.map(_fsync, sorted(folders)))

    def _file(self, uri: str) -> Path:
        return self.path / key_of(uri)

    def open(self, uri: str) -> BinaryIO:
        try:
            return self._file(uri).open("rb")
        except FileNotFoundError:
            raise missing(self.name, uri) from None

    def exists(self, uri: str) -> bool:
        return self._file(uri).is_file()

    def local_path(self, uri: str) -> str | None:
        return str(self._file(uri))


def _new_folder(folder: Path) -> bool:
    """Create an object's folder; False when it exists (the object may be published).

    mkdir first: a new object (the usual case) then costs mkdir + create + rename, not
    also a stat and a rename that fails for want of the folder; an object written
    again costs one failed mkdir more than a stat. A folder left empty by a crash is
    harmless: an object exists only as its file."""
    try:
        folder.mkdir()
    except FileExistsError:
        return False
    except FileNotFoundError:  # the first object under this prefix (or a new store)
        folder.mkdir(parents=True, exist_ok=True)
    return True


def _refreshed(final: Path) -> bool:
    """Whether the object is already published; if so its modification time becomes
    now, so a concurrent `artifacts prune` sees it in use (sweep.py) and keeps it."""
    try:
        os.utime(final)
    except FileNotFoundError:
        return False
    except OSError:  # not ours to touch (read-only mount): it exists all the same
        return final.exists()
    return True


def _syncfs(folder: Path) -> bool:
    """Linux: flush the whole filesystem holding ``folder`` in one call (data and
    metadata of every object and folder at once: 3-5x cheaper than one fsync each).
    False where that is not available, so the caller fsyncs one by one."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(folder, os.O_RDONLY)
    except (OSError, AttributeError):
        return False
    try:
        return int(libc.syncfs(fd)) == 0
    except AttributeError:  # a libc without syncfs
        return False
    finally:
        os.close(fd)


def _fsync(path: str) -> None:
    # A folder's fsync makes the renames in it durable; not every platform can open a
    # folder, and a file deleted meanwhile has nothing left to make durable.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class LocalProvisioner:
    """create = mkdir, observe = the folder exists, delete = rmdir only when empty."""

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        path = store_path(config, root)
        path.mkdir(parents=True, exist_ok=True)
        return {"path": str(path)}

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        path = store_path(config, root)
        if path.is_dir():
            return Observation(True, {"path": str(path)})
        return Observation(False, detail=f"directory {path} is missing")

    def adopt(self, config: Mapping[str, Any], id: str, root: Path) -> Mapping[str, Any]:
        """``id`` is the folder (relative to the project root, or absolute)."""
        path = store_path(config, root)
        check_same("folder", str(path), str((root / id).resolve()), "config.path")
        if not path.is_dir():
            raise ProvisionError(
                f"cannot import folder {path}: it does not exist"
                + (" (it is a file)" if path.exists() else ""),
                hint="import a folder that exists, or let `stackctl apply` create it",
            )
        return {"path": str(path)}

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        path = store_path(config, root)
        # Artifacts are user data: an empty store goes, a non-empty one stays.
        with contextlib.suppress(OSError):
            (path / TMP_DIR).rmdir()
        with contextlib.suppress(OSError):
            path.rmdir()


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    _store: type[ArtifactStore] = LocalArtifactStore
