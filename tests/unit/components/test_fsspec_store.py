"""The generic ``fsspec`` artifact store on memory:// and file://, and its provisioner."""

from __future__ import annotations

import pickle
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackctl.components.artifact_stores.base import digest_bytes, object_key
from stackctl.components.artifact_stores.fsspec_fs import join, split_uri
from stackctl.components.artifact_stores.fsspec_store import (
    FsspecArtifactStore,
    FsspecProvisioner,
)
from stackctl.errors import NotFoundError, StackctlError


@pytest.fixture
def memory_uri():
    uri = f"memory://stackctl-test-{uuid.uuid4().hex[:8]}"
    yield uri
    import fsspec

    fs = fsspec.filesystem("memory")
    if fs.exists(uri):
        fs.rm(uri, recursive=True)


@pytest.mark.parametrize("protocol", ["memory", "file"])
def test_put_open_exists_roundtrip(protocol, memory_uri, tmp_path):
    uri = memory_uri if protocol == "memory" else f"file://{tmp_path}/store"
    store = FsspecArtifactStore("fs", {"uri": uri}, tmp_path)
    stored = store.put("out.bin", lambda fp: fp.write(b"payload"))
    digest = digest_bytes(b"payload")
    assert stored.uri == f"{store.root}/{object_key(digest, 'out.bin')}"
    assert (stored.digest, stored.size) == (digest, 7)
    assert store.exists(stored.uri)
    with store.open(stored.uri) as fp:
        assert fp.read() == b"payload"
    assert store.put("out.bin", lambda fp: fp.write(b"payload")) == stored
    # nothing but the object (and an empty staging folder) remains
    files = store.fs.find(store.path)
    assert files == [f"{store.path}/{object_key(digest, 'out.bin')}"]


def test_file_store_gives_a_local_path_and_resolves_relative_uris(tmp_path):
    store = FsspecArtifactStore("fs", {"uri": "file://rel/store"}, tmp_path)
    assert store.root == f"file://{tmp_path.resolve()}/rel/store"
    stored = store.put("a.txt", lambda fp: fp.write(b"x"))
    path = store.local_path(stored.uri)
    assert path is not None and open(path, "rb").read() == b"x"


def test_a_failing_writer_publishes_nothing(memory_uri, tmp_path):
    store = FsspecArtifactStore("fs", {"uri": memory_uri}, tmp_path)

    def boom(fp):
        fp.write(b"half")
        raise ValueError("materializer broke")

    with pytest.raises(ValueError, match="materializer broke"):
        store.put("x.bin", boom)
    assert store.fs.find(store.path) == []


def test_missing_objects_and_bad_uris(memory_uri, tmp_path):
    store = FsspecArtifactStore("fs", {"uri": memory_uri}, tmp_path)
    uri = f"{store.root}/{object_key('ab' * 32, 'x.json')}"
    assert not store.exists(uri)
    with pytest.raises(NotFoundError, match="not in artifact store 'fs'"):
        store.open(uri)
    with pytest.raises(NotFoundError, match="not an artifact URI"):
        store.open("memory://nope/x.json")


def test_pickles_without_the_filesystem(memory_uri, tmp_path):
    store = FsspecArtifactStore("fs", {"uri": memory_uri}, tmp_path)
    stored = store.put("a", lambda fp: fp.write(b"1"))
    clone = pickle.loads(pickle.dumps(store))
    assert clone._fs is None and clone.exists(stored.uri)


@pytest.mark.parametrize(
    ("uri", "shared"),
    [
        ("memory://a", False),
        ("file:///data/a", False),
        ("relative/folder", False),
        ("gcs://bucket/p", True),
        ("abfs://container/p", True),
        ("s3://b/p", True),
    ],
)
def test_only_remote_protocols_are_shared(uri, shared):
    assert FsspecArtifactStore.is_shared({"uri": uri}) is shared


def test_unknown_protocols_and_missing_backends_are_clear_errors(tmp_path):
    with pytest.raises(StackctlError, match="does not know the protocol 'nope'"):
        _ = FsspecArtifactStore("fs", {"uri": "nope://x"}, tmp_path).fs


@settings(max_examples=50, deadline=None)
@given(
    protocol=st.sampled_from(["memory", "gcs", "s3", "abfs"]),
    parts=st.lists(
        st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,10}", fullmatch=True), min_size=1, max_size=4
    ),
    trailing=st.booleans(),
)
def test_split_uri_keeps_the_path_and_drops_trailing_slashes(
    protocol, parts, trailing, tmp_path_factory
):
    uri = f"{protocol}://{'/'.join(parts)}{'/' if trailing else ''}"
    got_protocol, path = split_uri(uri, tmp_path_factory.getbasetemp())
    assert got_protocol == protocol
    assert path.strip("/") == "/".join(parts)
    assert not path.endswith("/")
    assert join(path, "ab/cd") == f"{path}/ab/cd"


def test_fsspec_provisioner_makes_and_observes_a_folder(tmp_path):
    config = {"uri": "file://store"}
    provisioner = FsspecProvisioner()
    missing = provisioner.observe(config, tmp_path)
    assert not missing.exists and "is missing" in missing.detail
    outputs = provisioner.create(config, tmp_path)
    assert outputs == {"uri": f"file://{tmp_path.resolve()}/store"}
    assert (tmp_path / "store").is_dir() and provisioner.observe(config, tmp_path).exists
    provisioner.delete(config, tmp_path)  # empty: goes
    assert not (tmp_path / "store").exists()


def test_fsspec_provisioner_never_deletes_artifacts(tmp_path):
    config = {"uri": "file://store"}
    FsspecProvisioner().create(config, tmp_path)
    FsspecArtifactStore("fs", config, tmp_path).put("a", lambda fp: fp.write(b"1"))
    FsspecProvisioner().delete(config, tmp_path)
    assert FsspecProvisioner().observe(config, tmp_path).exists


def test_memory_folders_cannot_drift(memory_uri, tmp_path):
    # memory:// lives in the process that made it: a later `stackctl drift` cannot see it
    assert FsspecProvisioner().observe({"uri": memory_uri}, tmp_path).exists
