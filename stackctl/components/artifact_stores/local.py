"""The ``local`` artifact store: a folder on this machine, plus its provisioner."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from stackctl.components.artifact_stores.base import (
    ArtifactStore,
    HashingWriter,
    StoredObject,
    Writer,
    key_of,
    missing,
    object_key,
)
from stackctl.components.provisioner import Observation

DEFAULT_PATH = ".stackctl/artifacts"
TMP_DIR = ".tmp"  # staging area on the same filesystem, so publishing is one rename


def store_path(config: Mapping[str, Any], root: Path) -> Path:
    """The store's folder: ``config.path`` relative to the project root, or absolute."""
    return (root / str(config.get("path") or DEFAULT_PATH)).resolve()


class LocalArtifactStore:
    """Objects are files; ``put`` writes a temp file, fsyncs it, then renames it."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.path = store_path(config, root)

    @property
    def root(self) -> str:
        return str(self.path)

    def put(self, filename: str, write: Writer) -> StoredObject:
        staging = self.path / TMP_DIR
        try:
            fd, name = tempfile.mkstemp(dir=staging, prefix=f"{os.getpid()}-", suffix=".part")
        except FileNotFoundError:  # first write to this store: create it
            staging.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=staging, prefix=f"{os.getpid()}-", suffix=".part")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as raw:
                hashing = HashingWriter(raw)
                write(hashing)  # type: ignore[arg-type]  # a write-only BinaryIO
                raw.flush()
                os.fsync(raw.fileno())
            digest = hashing.hexdigest()
            final = self.path / object_key(digest, filename)
            if final.exists():  # same bytes already published: nothing to do
                tmp.unlink()
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                tmp.replace(final)
                _fsync_dir(final.parent)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return StoredObject(str(final), digest, hashing.size)

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


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
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

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        path = store_path(config, root)
        # Artifacts are user data: an empty store goes, a non-empty one stays.
        with contextlib.suppress(OSError):
            (path / TMP_DIR).rmdir()
        with contextlib.suppress(OSError):
            path.rmdir()


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    _store: type[ArtifactStore] = LocalArtifactStore
