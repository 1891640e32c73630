"""Cache hits: where a step's outputs can come from instead of running it again.

A hit is a step run with the same cache key whose outputs are the step's outputs and
still hold the bytes they were recorded with: a step of this run (its records may still
be buffered, so state cannot answer yet) or state's record of an earlier one.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from stackctl.components.artifact_stores.base import ArtifactStore, is_verified
from stackctl.model import ArtifactRecord, StepRun
from stackctl.state.base import StateStore

Hit = tuple[StepRun, list[ArtifactRecord]]


class CacheHits:
    def __init__(self, store: StateStore, artifact_store: ArtifactStore) -> None:
        self.store, self.artifact_store = store, artifact_store
        self.in_run: dict[str, Hit] = {}  # cache key -> the first step of this run with it

    def completed(self, step_run: StepRun, artifacts: Sequence[ArtifactRecord]) -> None:
        """A step of this run completed: a later step with its key reuses its outputs."""
        if step_run.cache_key:
            self.in_run.setdefault(step_run.cache_key, (step_run, list(artifacts)))

    def find(self, key: str, outputs: tuple[str, ...]) -> Hit | None:
        """The producer and its artifact records, or None: none with this key, or its
        outputs were deleted, truncated, edited or written to another store."""
        hit = self.in_run.get(key) or self.store.cache_lookup(key)
        if hit is None:
            return None
        _, artifacts = hit
        if {a.name for a in artifacts} != set(outputs):
            return None
        if not all(intact(self.artifact_store, a) for a in artifacts):
            return None
        return hit


def intact(store: ArtifactStore, record: ArtifactRecord) -> bool:
    """The artifact is published and holds the bytes it was recorded with: a truncated
    (power loss) or edited file is a cache miss, and the step runs again. The size check
    first is free and catches truncation without reading."""
    path = store.local_path(record.uri)
    if path is None:
        return is_verified(store, record.uri, record.digest)
    try:  # one open for both checks: a cache hit is on the hot path of a re-run
        with open(path, "rb") as fp:  # a str path: no Path parse per hit
            if os.fstat(fp.fileno()).st_size != record.size:
                return False
            sha = hashlib.sha256()  # not file_digest: its 256 KiB buffer per hit costs more
            while chunk := fp.read(min(record.size + 1, 1 << 20)):  # small: one read
                sha.update(chunk)
            return sha.hexdigest() == record.digest
    except OSError:
        return False
