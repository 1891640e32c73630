"""fsspec-backed artifact stores: ``fsspec`` (any protocol) and ``s3`` (s3fs), plus provisioners.

Publishing is atomic on every backend. The generic store streams the bytes to a
temporary key under ``<root>/.tmp/`` and, once the upload is complete and its digest
known, moves it to the content key (a rename on file://, a copy that becomes visible
only when complete on object stores); a crash leaves at most garbage under ``.tmp/``.
The S3 store by default stages locally and uploads once to the content key instead
(see ``S3ArtifactStore``).
"""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import Mapping
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

#: Staged objects stay in memory up to this size, then spill to a temp file.
SPOOL_BYTES = 32 * 1024 * 1024
#: Objects up to this size go up in one PUT, bigger ones in parts of this size (S3
#: allows 10,000 parts: 2.5 TB). Large parts: s3fs sends parts one after another, and
#: each part is a round trip (200 MB: 4 parts of 64 MB took 1.5x one PUT on moto).
UPLOAD_PART_BYTES = 256 * 1024 * 1024
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
                _abort(raw)
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
    """An S3 bucket (or any S3 API: MinIO, moto, Ceph) through s3fs.

    ``staging: local`` (the default) stages the bytes in a local spooled temp file while
    hashing them, then uploads once, straight to the content key: S3 makes an object
    visible only when its PUT or CompleteMultipartUpload succeeds (a failed multipart
    upload is aborted and never appears), so this is as atomic as a temporary key, but
    skips the server-side copy (half the time for big objects), skips the upload
    entirely when the content already exists, and leaves no ``.tmp/`` garbage.
    ``staging: key`` uses the generic temporary-key-then-copy path instead (for
    workers without local disk).
    """

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        super().__init__(name, {"uri": config["uri"]}, root)
        self.options = s3_options(config)
        self.staging = str(config.get("staging") or "local")

    @staticmethod
    def is_shared(config: Mapping[str, Any]) -> bool:
        return True

    def put(self, filename: str, write: Writer) -> StoredObject:
        if self.staging == "key":
            return super().put(filename, write)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as staged:
            hashing = HashingWriter(staged)  # type: ignore[arg-type]
            write(hashing)  # type: ignore[arg-type]  # a write-only BinaryIO
            digest = hashing.hexdigest()
            final = join(self.path, object_key(digest, filename))
            with store_error(self, "upload"):
                if not self.fs.exists(final):  # content addressed: else already there
                    staged.seek(0)
                    self._upload(staged, final)  # type: ignore[arg-type]
        return StoredObject(f"s3://{final}", digest, hashing.size)

    def _upload(self, staged: BinaryIO, final: str) -> None:
        # Not `with fs.open(...)`: its __exit__ would complete a multipart upload that
        # failed halfway, publishing a partial object. discard() aborts it instead.
        out = self.fs.open(final, "wb", block_size=UPLOAD_PART_BYTES)
        try:
            while chunk := staged.read(UPLOAD_PART_BYTES):
                out.write(chunk)
        except BaseException:
            _abort(out)
            raise
        out.close()  # one PutObject, or CompleteMultipartUpload: visible from here on


def _abort(out: Any) -> None:
    """Drop a file being written: abort its multipart upload, never complete it."""
    from fsspec.spec import AbstractBufferedFile

    with contextlib.suppress(Exception):
        if isinstance(out, AbstractBufferedFile):  # object stores: close() would publish
            out.closed = True  # first: __del__ must not flush whatever happens next
            out.discard()
        else:  # local and memory files: closing is harmless, the temp key is removed
            out.close()


if TYPE_CHECKING:  # static proof that the classes satisfy the contract
    _fsspec: type[ArtifactStore] = FsspecArtifactStore
    _s3: type[ArtifactStore] = S3ArtifactStore
