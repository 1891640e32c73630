"""An in-memory artifact store for tests (one process only: use the ``local`` orchestrator)."""

from __future__ import annotations

import io
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


class MemoryArtifactStore:
    """Objects are bytes in a dict; ``put`` publishes only after the writer returned."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.objects: dict[str, bytes] = {}

    @property
    def root(self) -> str:
        return f"memory://{self.name}"

    def put(self, filename: str, write: Writer) -> StoredObject:
        buffer = io.BytesIO()
        hashing = HashingWriter(buffer)  # type: ignore[arg-type]
        write(hashing)  # type: ignore[arg-type]
        digest = hashing.hexdigest()
        key = object_key(digest, filename)
        self.objects[key] = buffer.getvalue()
        return StoredObject(f"{self.root}/{key}", digest, hashing.size)

    def open(self, uri: str) -> BinaryIO:
        try:
            return io.BytesIO(self.objects[key_of(uri)])
        except KeyError:
            raise missing(self.name, uri) from None

    def exists(self, uri: str) -> bool:
        return key_of(uri) in self.objects

    def local_path(self, uri: str) -> str | None:
        return None


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    _store: type[ArtifactStore] = MemoryArtifactStore
