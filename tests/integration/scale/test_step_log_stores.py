"""Step logs on every kind of store: appended in place on a filesystem, numbered chunk
objects on S3 (which cannot append), concatenated by readers in order; what a step
printed is readable while it runs, before the log is closed."""

from __future__ import annotations

import pickle
import time
from pathlib import Path
from typing import Any

import pytest

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.components.artifact_stores.fsspec_store import (
    FsspecArtifactStore,
    S3ArtifactStore,
    S3Provisioner,
)
from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.components.artifact_stores.memory import MemoryArtifactStore
from stackctl.runtime import steplog
from stackctl.runtime.steplog import LogReader, StepLog, read_log

HEADER = "run r1 stack dev step train\n"


@pytest.fixture(params=["local", "file", "memory-dict", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    if request.param == "local":
        return LocalArtifactStore("local", {"path": "store"}, tmp_path)
    if request.param == "file":
        return FsspecArtifactStore("fs", {"uri": f"file://{tmp_path}/fs"}, tmp_path)
    if request.param == "memory-dict":
        return MemoryArtifactStore("mem", {}, tmp_path)
    config: dict[str, Any] = request.getfixturevalue("s3_config")
    S3Provisioner().create(config, tmp_path)
    return S3ArtifactStore("s3", config, tmp_path)


def test_the_uri_is_known_before_the_step_runs(store: ArtifactStore) -> None:
    uri = steplog.log_uri(store, "r1", "train")
    assert uri == f"{store.root}/logs/r1/train.log" and steplog.is_step_log(uri)
    assert read_log(store, uri) == b""  # nothing printed yet: no log, no error


def test_lines_are_readable_while_the_step_runs(store: ArtifactStore) -> None:
    log = StepLog(store, "r1", "train", HEADER)
    reader = LogReader(store, steplog.log_uri(store, "r1", "train"))
    log.write("epoch 1\n")
    deadline = time.monotonic() + 5  # object stores: within CHUNK_S
    seen = b""
    while b"epoch 1" not in seen and time.monotonic() < deadline:
        seen += reader.read_new()
        time.sleep(0.05)
    assert seen == (HEADER + "epoch 1\n").encode()
    for i in range(2, 5):
        log.write(f"epoch {i}\n")
    assert log.close() == steplog.log_uri(store, "r1", "train")
    rest = reader.read_new()
    assert seen + rest == (HEADER + "".join(f"epoch {i}\n" for i in range(1, 5))).encode()
    assert reader.read_new() == b""  # read from where it stopped, not again
    assert read_log(store, log.uri).decode() == log.getvalue()


def test_a_silent_step_writes_nothing(store: ArtifactStore) -> None:
    log = StepLog(store, "r1", "quiet", HEADER)
    assert log.close() == ""
    assert read_log(store, steplog.log_uri(store, "r1", "quiet")) == b""


def test_chunks_are_read_in_order_past_nine(s3_config: dict[str, Any], tmp_path: Path) -> None:
    S3Provisioner().create(s3_config, tmp_path)
    store = S3ArtifactStore("s3", s3_config, tmp_path)
    log = StepLog(store, "r1", "many", HEADER)
    for i in range(12):
        log.write(f"line {i}\n")
        log._send()  # one chunk per line, as when lines come slower than CHUNK_S
    log.close()
    prefix = f"{store.path}/logs/r1/many.log"
    assert len(store.fs.find(prefix)) == 12  # the header goes up with the first line
    assert read_log(store, log.uri).decode() == log.getvalue()


# not the memory store: an in-process dict cannot be shared with another process
@pytest.mark.parametrize("store", ["local", "file", "s3"], indirect=True)
def test_a_writer_in_another_process_needs_only_the_pickled_store(
    store: ArtifactStore,
) -> None:
    log = StepLog(pickle.loads(pickle.dumps(store)), "r2", "load", HEADER)
    log.write("from a worker\n")
    log.close()
    assert read_log(store, steplog.log_uri(store, "r2", "load")).endswith(b"from a worker\n")


def test_a_store_of_another_flavor_gets_the_log_whole_at_the_end(tmp_path: Path) -> None:
    class Other:  # a third-party flavor: no stable place known
        def __init__(self) -> None:
            self.inner = MemoryArtifactStore("other", {}, tmp_path)
            self.name, self.root = "other", "other://"

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    store: Any = Other()
    assert steplog.log_uri(store, "r1", "s") == ""
    log = StepLog(store, "r1", "s", HEADER)
    log.write("hi\n")
    uri = log.close()
    assert not steplog.is_step_log(uri)
    assert read_log(store, uri) == (HEADER + "hi\n").encode()


def test_the_dashboard_reads_a_chunked_log_as_one(
    s3_config: dict[str, Any], tmp_path: Path
) -> None:
    from stackctl.dashboard import logs

    S3Provisioner().create(s3_config, tmp_path)
    store = S3ArtifactStore("s3", s3_config, tmp_path)
    log = StepLog(store, "r3", "train", HEADER)
    for i in range(3):
        log.write(f"epoch {i}\n")
        log._send()
    log.write("Traceback (most recent call last):\nValueError: boom\n")
    uri = log.close()
    whole = log.getvalue()
    # the dashboard opens the URI with fsspec (no store object): it needs the endpoint
    import fsspec.config

    fsspec.config.conf["s3"] = {
        "endpoint_url": s3_config["endpoint_url"],
        "key": "testing",
        "secret": "testing",
    }
    try:
        shown = logs.read(uri)
        assert (shown.text, shown.size, shown.error) == (whole, len(whole), "")
        assert logs.tail(uri, lines=2) == "Traceback (most recent call last):\nValueError: boom"
        assert b"".join(logs.stream(uri)).decode() == whole
    finally:
        fsspec.config.conf.pop("s3", None)
