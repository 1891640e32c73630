"""Artifact stores: content-addressed, atomic, and the local provisioner."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackctl.components.artifact_stores.base import digest_bytes, key_of
from stackctl.components.artifact_stores.local import LocalArtifactStore, LocalProvisioner
from stackctl.components.artifact_stores.memory import MemoryArtifactStore
from stackctl.errors import NotFoundError


@pytest.fixture(params=["local", "memory"])
def store(request, tmp_path):
    cls = LocalArtifactStore if request.param == "local" else MemoryArtifactStore
    return cls("test", {"path": "arts"}, tmp_path)


@settings(max_examples=25, deadline=None)
@given(data=st.binary(max_size=2000))
def test_put_is_content_addressed_and_reads_back(tmp_path_factory, data):
    store = LocalArtifactStore("t", {"path": "a"}, tmp_path_factory.mktemp("s"))
    stored = store.put("output.bin", lambda fp: fp.write(data))
    digest = hashlib.sha256(data).hexdigest()
    assert (stored.digest, stored.size) == (digest, len(data))
    assert stored.uri.endswith(f"{digest[:2]}/{digest}/output.bin")
    with store.open(stored.uri) as fp:
        assert fp.read() == data


def test_stores_share_the_contract(store):
    first = store.put("x.json", lambda fp: fp.write(b"[1]"))
    again = store.put("x.json", lambda fp: fp.write(b"[1]"))
    assert first == again and store.exists(first.uri)
    assert first.digest == digest_bytes(b"[1]")
    assert key_of(first.uri) == f"{first.digest[:2]}/{first.digest}/x.json"
    other = first.uri.replace(first.digest, "0" * 64).replace(f"/{first.digest[:2]}/", "/00/")
    assert not store.exists(other)
    with pytest.raises(NotFoundError, match="is not in artifact store 'test'"):
        store.open(other)


def test_a_failing_writer_publishes_nothing(store, tmp_path):
    def half(fp):
        fp.write(b"partial")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        store.put("x.bin", half)
    if isinstance(store, LocalArtifactStore):
        assert [p for p in (tmp_path / "arts").rglob("*") if p.is_file()] == []
    else:
        assert store.objects == {}


def test_uris_resolve_by_key_after_the_folder_moved(tmp_path):
    old = LocalArtifactStore("t", {"path": "old"}, tmp_path)
    stored = old.put("o.bin", lambda fp: fp.write(b"abc"))
    (tmp_path / "old").rename(tmp_path / "new")
    new = LocalArtifactStore("t", {"path": "new"}, tmp_path)
    assert new.exists(stored.uri) and Path(new.local_path(stored.uri)).read_bytes() == b"abc"


def test_key_of_rejects_other_uris():
    with pytest.raises(NotFoundError, match="is not an artifact URI"):
        key_of("/etc/passwd")


def test_local_provisioner_lifecycle(tmp_path):
    config = {"path": "store"}
    provisioner = LocalProvisioner()
    assert not provisioner.observe(config, tmp_path).exists
    assert "is missing" in provisioner.observe(config, tmp_path).detail
    outputs = provisioner.create(config, tmp_path)
    assert outputs == {"path": str(tmp_path / "store")}
    assert provisioner.observe(config, tmp_path).exists
    LocalArtifactStore("t", config, tmp_path).put("a.bin", lambda fp: fp.write(b"keep"))
    provisioner.delete(config, tmp_path)
    assert (tmp_path / "store").is_dir()  # not empty: user data stays
    empty = {"path": "empty"}
    provisioner.create(empty, tmp_path)
    provisioner.delete(empty, tmp_path)
    assert not (tmp_path / "empty").exists()
