"""The ``s3`` artifact store and its provisioner against a real S3 API (moto server)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from stackctl.components.artifact_stores.base import digest_bytes
from stackctl.components.artifact_stores.fsspec_fs import ArtifactStoreError
from stackctl.components.artifact_stores.fsspec_store import S3ArtifactStore, S3Provisioner
from stackctl.errors import NotFoundError, ProvisionError, StackctlError

ROOT = Path(".")


def bucket_of(config):
    return config["uri"].removeprefix("s3://").split("/")[0]


def keys(s3, bucket):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


@pytest.fixture(params=["local", "key"])
def store(request, s3_config):
    """Both ways of publishing atomically: local staging + one upload, or a temp key."""
    S3Provisioner().create(s3_config, ROOT)
    return S3ArtifactStore("s3", {**s3_config, "staging": request.param}, ROOT)


def test_put_publishes_at_the_content_key_and_reads_back(store, s3, s3_config):
    stored = store.put("out.json", lambda fp: fp.write(b'{"a": 1}'))
    digest = digest_bytes(b'{"a": 1}')
    assert stored.digest == digest and stored.size == 8
    assert stored.uri == f"{s3_config['uri']}/{digest[:2]}/{digest}/out.json"
    assert store.exists(stored.uri)
    with store.open(stored.uri) as fp:
        assert fp.read() == b'{"a": 1}'
    # only the published object is left: the staging key under .tmp/ is gone
    assert keys(s3, bucket_of(s3_config)) == [f"artifacts/{digest[:2]}/{digest}/out.json"]
    assert store.local_path(stored.uri) is None


def test_the_same_bytes_twice_are_one_object(store, s3, s3_config):
    first = store.put("x.bin", lambda fp: fp.write(b"same"))
    second = store.put("x.bin", lambda fp: fp.write(b"same"))
    assert first == second
    assert len(keys(s3, bucket_of(s3_config))) == 1


def test_a_large_object_goes_up_in_parts(store):
    blob = bytes(range(256)) * (12 * 1024 * 1024 // 256)  # 12 MB: a multipart upload

    def write(fp):
        for start in range(0, len(blob), 1 << 20):
            fp.write(blob[start : start + (1 << 20)])

    stored = store.put("big.bin", write)
    assert stored.digest == digest_bytes(blob) and stored.size == len(blob)
    with store.open(stored.uri) as fp:
        assert fp.read() == blob


def test_a_partial_upload_is_never_visible(store, s3, s3_config):
    bucket = bucket_of(s3_config)
    seen_during_write = []

    def write_then_fail(fp):
        fp.write(b"x" * (6 * 1024 * 1024))  # past one part: a multipart upload started
        seen_during_write.append([k for k in keys(s3, bucket) if "/.tmp/" not in k])
        raise RuntimeError("the step crashed mid-write")

    with pytest.raises(RuntimeError, match="mid-write"):
        store.put("partial.bin", write_then_fail)
    assert seen_during_write == [[]]
    assert keys(s3, bucket) == []  # nothing published, staging cleaned up
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_an_upload_failing_halfway_publishes_nothing(s3_config, s3, monkeypatch):
    from stackctl.components.artifact_stores import fsspec_store

    monkeypatch.setattr(fsspec_store, "UPLOAD_PART_BYTES", 5 * 1024 * 1024)  # S3's minimum
    S3Provisioner().create(s3_config, ROOT)
    store = S3ArtifactStore("s3", s3_config, ROOT)
    real_open = store.fs.open
    writes = []

    def flaky_open(path, mode="rb", **kw):
        f = real_open(path, mode, **kw)
        if "w" in mode:
            real_write = f.write

            def write(data):
                writes.append(len(data))
                if len(writes) == 3:  # two parts are up: the multipart upload is live
                    raise ConnectionError("network gone")
                return real_write(data)

            f.write = write
        return f

    monkeypatch.setattr(store.fs, "open", flaky_open)
    with pytest.raises(OSError, match="network gone"):
        store.put("big.bin", lambda fp: fp.write(b"y" * (12 * 1024 * 1024)))
    bucket = bucket_of(s3_config)
    assert keys(s3, bucket) == []
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_the_store_pickles_without_its_connection_and_works_after(store):
    stored = store.put("a.txt", lambda fp: fp.write(b"hello"))
    _ = store.fs  # a live filesystem is not part of the pickle
    clone = pickle.loads(pickle.dumps(store))
    assert clone._fs is None
    with clone.open(stored.uri) as fp:
        assert fp.read() == b"hello"


def test_a_missing_object_is_a_not_found_error(store):
    stored = store.put("a.txt", lambda fp: fp.write(b"hello"))
    other = stored.uri.replace("a.txt", "b.txt")
    assert not store.exists(other)
    with pytest.raises(NotFoundError, match="is not in artifact store 's3'"):
        store.open(other)


def test_writing_to_a_missing_bucket_says_to_apply(s3_config):
    store = S3ArtifactStore("s3", s3_config, ROOT)  # never provisioned
    with pytest.raises(ArtifactStoreError) as caught:
        store.put("a.txt", lambda fp: fp.write(b"hello"))
    assert isinstance(caught.value, OSError) and isinstance(caught.value, StackctlError)
    assert "does not exist" in caught.value.message
    assert "stackctl apply" in caught.value.hint


def test_without_key_and_secret_the_aws_chain_is_used(s3_config):
    S3Provisioner().create(s3_config, ROOT)
    chain = {k: v for k, v in s3_config.items() if k not in ("key", "secret")}
    store = S3ArtifactStore("s3", chain, ROOT)  # AWS_ACCESS_KEY_ID/... from the env
    stored = store.put("a.txt", lambda fp: fp.write(b"chain"))
    assert store.exists(stored.uri)


def test_the_store_is_shared():
    assert S3ArtifactStore.is_shared({"uri": "s3://b/p"})


def test_provisioner_creates_the_bucket_and_reports_drift_when_it_is_gone(s3_config, s3):
    provisioner = S3Provisioner()
    bucket = bucket_of(s3_config)
    before = provisioner.observe(s3_config, ROOT)
    assert not before.exists and bucket in before.detail

    outputs = provisioner.create(s3_config, ROOT)
    assert outputs == {"bucket": bucket, "uri": s3_config["uri"]}
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert provisioner.observe(s3_config, ROOT).exists
    assert provisioner.create(s3_config, ROOT) == outputs  # idempotent

    s3.delete_bucket(Bucket=bucket)  # by hand, behind stackctl's back
    drift = provisioner.observe(s3_config, ROOT)
    assert not drift.exists
    assert drift.detail == f"bucket {bucket} of {s3_config['uri']} is missing"


def test_provisioner_delete_keeps_a_bucket_with_artifacts(store, s3_config, s3):
    store.put("a.txt", lambda fp: fp.write(b"keep me"))
    S3Provisioner().delete(s3_config, ROOT)
    assert S3Provisioner().observe(s3_config, ROOT).exists
    s3.delete_object(Bucket=bucket_of(s3_config), Key=keys(s3, bucket_of(s3_config))[0])
    S3Provisioner().delete(s3_config, ROOT)
    assert not S3Provisioner().observe(s3_config, ROOT).exists


def test_an_unreachable_endpoint_is_a_provision_error(s3_config, dead_endpoint):
    config = {**s3_config, "endpoint_url": dead_endpoint}
    with pytest.raises(ProvisionError) as caught:
        S3Provisioner().observe(config, ROOT)
    assert "cannot look up the bucket of" in caught.value.message
    assert "endpoint" in caught.value.hint
