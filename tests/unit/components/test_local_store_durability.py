"""The local store: small objects hashed in memory, big ones spilled, batched sync."""

from __future__ import annotations

import hashlib

import pytest

from stackctl.components.artifact_stores import local
from stackctl.components.artifact_stores.local import SPOOL_BYTES, LocalArtifactStore


@pytest.fixture
def store(tmp_path) -> LocalArtifactStore:
    return LocalArtifactStore("t", {"path": "store"}, tmp_path)


def _staged(store: LocalArtifactStore) -> list[str]:
    tmp = store.path / local.TMP_DIR
    return sorted(p.name for p in tmp.iterdir()) if tmp.exists() else []


@pytest.mark.parametrize("size", [0, 10, SPOOL_BYTES, SPOOL_BYTES + 1, 3 * SPOOL_BYTES + 7])
def test_objects_of_any_size_publish_whole(store, size):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    stored = store.put(
        "blob.bin", lambda fp: [fp.write(data[i : i + 4096]) for i in range(0, size, 4096)]
    )
    assert stored.digest == hashlib.sha256(data).hexdigest() and stored.size == size
    with store.open(stored.uri) as fp:
        assert fp.read() == data
    assert _staged(store) == []


def test_an_object_already_stored_is_not_written_again(store):
    first = store.put("a.json", lambda fp: fp.write(b"[1]"))
    path = store.path / first.uri.split(str(store.path) + "/", 1)[1]
    before = path.stat()
    second = store.put("a.json", lambda fp: fp.write(b"[1]"))
    after = path.stat()
    # the same file (a rewrite would rename a new inode over it), its time refreshed so
    # that a concurrent `artifacts prune` sees it in use (artifact_stores/sweep.py)
    assert second == first and after.st_ino == before.st_ino
    assert after.st_mtime_ns >= before.st_mtime_ns
    assert _staged(store) == []


@pytest.mark.parametrize("size", [10, 2 * SPOOL_BYTES])
def test_a_failing_writer_leaves_nothing(store, size):
    def write(fp):
        fp.write(b"y" * size)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.put("c.bin", write)
    assert [p for p in store.path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("syncfs", [True, False], ids=["syncfs", "fsync-each"])
def test_sync_makes_objects_durable_and_ignores_missing_ones(store, monkeypatch, syncfs):
    calls: list[str] = []
    real = local._fsync
    monkeypatch.setattr(local, "_fsync", lambda path: (calls.append(path), real(path)))
    monkeypatch.setattr(local, "SYNCFS_MIN", 1)  # a big batch, in small
    if not syncfs:
        monkeypatch.setattr(local, "_syncfs", lambda folder: False)
    a = store.put("a.txt", lambda fp: fp.write(b"a"))
    b = store.put("b.txt", lambda fp: fp.write(b"b"))
    (store.path / a.uri.split(str(store.path) + "/", 1)[1]).unlink()  # gone meanwhile
    store.sync([a.uri, b.uri, b.uri])
    if syncfs and local.sys.platform.startswith("linux"):
        assert calls == []  # one syncfs call did it all
    else:
        file_b = str(store.path / b.uri.split(str(store.path) + "/", 1)[1])
        assert calls.count(file_b) == 1  # each file and folder once
        assert str(store.path) in calls


def test_a_small_batch_fsyncs_only_its_own_files(store, monkeypatch):
    monkeypatch.setattr(local, "_syncfs", lambda folder: pytest.fail("syncfs for 1 object"))
    stored = store.put("a.txt", lambda fp: fp.write(b"a"))
    store.sync([stored.uri])
