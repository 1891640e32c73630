"""A swapped pickle is refused before it is unpickled (it would run code)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from stackctl.components.artifact_stores.base import (
    ArtifactCorruptedError,
    VerifiedStore,
    is_verified,
    read_verified,
)
from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.runtime.materializers import PickleMaterializer


class _Boom:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("use_joblib", [False, True])
def test_a_swapped_pickle_never_runs(tmp_path: Path, use_joblib: bool):
    store = LocalArtifactStore("local", {"path": str(tmp_path / "store")}, tmp_path)
    materializer = PickleMaterializer(use_joblib)
    obj = store.put("output.pkl", lambda fp: materializer.write({"model": 1}, fp))
    assert materializer.load(VerifiedStore(store, obj.digest), obj.uri) == {"model": 1}
    marker = tmp_path / "pwned"
    hostile = pickle.dumps(_Boom(str(marker)))
    path = Path(obj.uri)
    path.chmod(0o644)
    path.write_bytes(hostile)
    with pytest.raises(ArtifactCorruptedError, match="was modified after it was written"):
        materializer.load(VerifiedStore(store, obj.digest), obj.uri)
    assert not marker.exists()
    assert not is_verified(store, obj.uri, obj.digest)
    with pytest.raises(ArtifactCorruptedError, match=str(path)):
        read_verified(store, obj.uri, obj.digest, "train.model")
