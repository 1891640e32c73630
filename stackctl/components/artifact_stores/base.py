"""The artifact store contract: content-addressed, atomic object storage.

Every object lives at ``<root>/<sha256[:2]>/<sha256>/<filename>`` where the digest is of
the bytes written, so equal outputs share one object and an object never changes once
visible. ``put`` must publish all-or-nothing: a reader (or a crash) never sees a partial
object. Stores map any URI to an object by its last three path parts (the key), so a
record stays readable when the store's root moves. An fsspec/S3 store fits the same
shape: stage the bytes, then one PUT/rename to the final key.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import BinaryIO, Protocol

from stackctl.errors import NotFoundError, StackctlError
from stackctl.frozen import frozen


@frozen
class StoredObject:
    """What ``put`` wrote: where, its sha256 and its size in bytes."""

    uri: str
    digest: str
    size: int


#: Staging folder under a store's root: partial objects live here until published,
#: so a crash leaves garbage only there (and delete may remove it with the root).
TMP_DIR = ".tmp"

#: Writes an object's bytes to the file object it is given.
Writer = Callable[[BinaryIO], object]


class ArtifactStore(Protocol):
    """Persists step outputs and logs; instances must be picklable (sent to workers)."""

    name: str

    @property
    def root(self) -> str:
        """URI of the store's root, e.g. ``/abs/.stackctl/artifacts`` or ``s3://b/p``."""
        ...

    def put(self, filename: str, write: Writer) -> StoredObject:
        """Stage what ``write`` writes, then publish it atomically at its content key."""
        ...

    def open(self, uri: str) -> BinaryIO:
        """Open a published object for reading (NotFoundError when it is missing)."""
        ...

    def exists(self, uri: str) -> bool:
        """Whether the object behind ``uri`` is published in this store."""
        ...

    def local_path(self, uri: str) -> str | None:
        """A filesystem path to the object (for memory-mapped loads), or None."""
        ...


class HashingWriter:
    """A write-only file wrapper that hashes and counts what passes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._sha.update(data)
        written = self._raw.write(data)
        self.size += len(memoryview(data).cast("B"))
        return written

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self._raw.flush()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return False

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def digest_bytes(data: bytes) -> str:
    """sha256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def object_key(digest: str, filename: str) -> str:
    """The content-addressed key of an object."""
    return f"{digest[:2]}/{digest}/{filename}"


def key_of(uri: str) -> str:
    """The key part (last three path segments) of any store URI."""
    parts = uri.rstrip("/").split("/")
    if len(parts) < 3 or len(parts[-2]) != 64 or parts[-3] != parts[-2][:2]:
        raise NotFoundError(
            f"{uri!r} is not an artifact URI",
            hint="artifact URIs end in <sha[:2]>/<sha256>/<file>; see `stackctl artifacts list RUN`",
        )
    return "/".join(parts[-3:])


def missing(store: str, uri: str) -> NotFoundError:
    return NotFoundError(
        f"artifact {uri} is not in artifact store {store!r}",
        hint="it was deleted or written to another store; re-run with `--no-cache` to rebuild it",
    )


class ArtifactCorruptedError(StackctlError):
    """An object's bytes are not the ones its record was written with."""


_CHUNK = 1 << 20


def read_verified(store: ArtifactStore, uri: str, digest: str, label: str = "") -> bytes:
    """The object's bytes, hashed as they are read; ArtifactCorruptedError (naming the
    URI) when they are not the bytes recorded with ``digest``. Every load that can run
    code (pickle, joblib) or returns bytes to a user goes through here: a swapped or
    edited file is refused before anything deserialises it."""
    # One read into memory, then hash: what is checked is what is loaded (hashing the
    # file and then loading it again would let a swap in between through).
    with store.open(uri) as fp:
        data = fp.read()
    sha = hashlib.sha256(data)
    if sha.hexdigest() != digest:
        raise ArtifactCorruptedError(
            f"artifact {label + ' at ' if label else ''}{uri} was modified after it was written (its sha256 is "
            f"{sha.hexdigest()[:12]}..., recorded {digest[:12]}...)",
            hint="re-run the step that produced it (`stackctl run --no-cache PIPELINE`); "
            "never edit files in the artifact store",
        )
    return data


def is_verified(store: ArtifactStore, uri: str, digest: str) -> bool:
    """Whether the object is published and its bytes hash to ``digest`` (streamed)."""
    sha = hashlib.sha256()
    try:
        with store.open(uri) as fp:
            while chunk := fp.read(_CHUNK):
                sha.update(chunk)
    except (OSError, StackctlError):
        return False
    return sha.hexdigest() == digest


class VerifiedStore:
    """A read view of a store for one object: ``open`` returns the verified bytes, so a
    materializer written against the plain store loads only what was recorded.
    ``local_path`` stays the real file, for memory-mapped formats that cannot run code
    (npy without pickle, parquet): those are not hashed on load (docs/state.md)."""

    def __init__(self, store: ArtifactStore, digest: str) -> None:
        self._store = store
        self._digest = digest
        self.name = store.name

    @property
    def root(self) -> str:
        return self._store.root

    def put(self, filename: str, write: Writer) -> StoredObject:
        return self._store.put(filename, write)

    def open(self, uri: str) -> BinaryIO:
        return io.BytesIO(read_verified(self._store, uri, self._digest))

    def exists(self, uri: str) -> bool:
        return self._store.exists(uri)

    def local_path(self, uri: str) -> str | None:
        return self._store.local_path(uri)
