"""fsspec-backed artifact stores: ``fsspec`` (any protocol) and ``s3`` (s3fs), plus provisioners.

Publishing is atomic on object stores too: ``put`` streams the bytes to a temporary key
under ``<root>/.tmp/``, and only once the upload is complete (and its digest known)
moves it to the content key. On S3 the move is a server-side copy, and an object only
becomes visible when the copy completed, so a reader never sees a partial artifact; a
crash leaves at most garbage under ``.tmp/`` (an S3 lifecycle rule can expire it).
"""

from __future__ import annotations

import contextlib
import uuid
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
from stackctl.components.artifact_stores.fsspec_fs import (
    LOCAL_PROTOCOLS,
    filesystem,
    join,
    s3_options,
    split_uri,
    store_error,
)
from stackctl.components.artifact_stores.fsspec_provision import (
    FsspecProvisioner,
    S3Provisioner,
)

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

TMP_DIR = ".tmp"
__all__ = ["FsspecArtifactStore", "FsspecProvisioner", "S3ArtifactStore", "S3Provisioner"]


class FsspecArtifactStore:
    """Objects under ``uri`` on any fsspec filesystem (``storage_options`` as given)."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.protocol, self.path = split_uri(str(config["uri"]), root)
        self.options: dict[str, Any] = dict(config.get("storage_options") or {})
        self.shared = self.is_shared(config)
        self._fs: AbstractFileSystem | None = None

    @staticmethod
    def is_shared(config: Mapping[str, Any]) -> bool:
        """Remote protocols are reachable from other machines; file:// and memory:// not."""
        protocol, sep, _ = str(config.get("uri", "")).partition("://")
        return bool(sep) and protocol not in LOCAL_PROTOCOLS

    @property
    def root(self) -> str:
        return f"{self.protocol}://{self.path}"

    @property
    def fs(self) -> AbstractFileSystem:
        if self._fs is None:
            self._fs = filesystem(self.protocol, self.options)
        return self._fs

    def __getstate__(self) -> dict[str, Any]:
        # The filesystem holds sockets and event loops: each process makes its own.
        return {**self.__dict__, "_fs": None}

    def put(self, filename: str, write: Writer) -> StoredObject:
        fs = self.fs
        tmp = join(self.path, TMP_DIR, f"{uuid.uuid4().hex}-{filename}.part")
        try:
            with store_error(self, "stage"):
                if self.protocol in LOCAL_PROTOCOLS:
                    fs.makedirs(join(self.path, TMP_DIR), exist_ok=True)
                raw = fs.open(tmp, "wb")
            hashing = HashingWriter(raw)
            try:
                write(hashing)  # type: ignore[arg-type]  # a write-only BinaryIO
            except BaseException:
                with contextlib.suppress(Exception):  # abort a multipart upload
                    getattr(raw, "discard", lambda: None)()
                    raw.close()
                raise
            with store_error(self, "upload"):
                raw.close()  # the last part goes up here
            digest = hashing.hexdigest()
            final = join(self.path, object_key(digest, filename))
            with store_error(self, "publish"):
                if fs.exists(final):  # content addressed: the same bytes are already there
                    fs.rm(tmp)
                elif self.protocol == "file":
                    fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
                    fs.mv(tmp, final)  # one rename
                else:  # object stores: a server-side copy is visible only once complete
                    fs.cp_file(tmp, final)
                    fs.rm_file(tmp)
        except BaseException:
            with contextlib.suppress(Exception):
                fs.rm(tmp)
            raise
        return StoredObject(f"{self.protocol}://{final}", digest, hashing.size)

    def _object(self, uri: str) -> str:
        return join(self.path, key_of(uri))

    def open(self, uri: str) -> BinaryIO:
        path = self._object(uri)
        try:
            with store_error(self, "read", missing_ok=True):
                return self.fs.open(path, "rb")  # type: ignore[no-any-return]
        except FileNotFoundError:
            raise missing(self.name, uri) from None

    def exists(self, uri: str) -> bool:
        with store_error(self, "check"):
            return bool(self.fs.exists(self._object(uri)))

    def local_path(self, uri: str) -> str | None:
        return self._object(uri) if self.protocol == "file" else None


class S3ArtifactStore(FsspecArtifactStore):
    """An S3 bucket (or any S3 API: MinIO, moto, Ceph) through s3fs."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        super().__init__(name, {"uri": config["uri"]}, root)
        self.options = s3_options(config)

    @staticmethod
    def is_shared(config: Mapping[str, Any]) -> bool:
        return True


if TYPE_CHECKING:  # static proof that the classes satisfy the contract
    _fsspec: type[ArtifactStore] = FsspecArtifactStore
    _s3: type[ArtifactStore] = S3ArtifactStore
