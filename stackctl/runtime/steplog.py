"""A step's log, written as it runs at a stable place in the artifact store.

Outputs are content addressed (their key is the digest of bytes known only at the end);
a log must be readable while the step runs and survive a Ctrl-C or ``kill -9``, so it
lives beside the objects at a key known when the step starts:
``<store root>/logs/<run id>/<step>.log``. The run loop records that URI in the step's
record before the step is submitted, and the worker computes the same one.

How bytes get there depends on what the store can do:

* a filesystem (the ``local`` store, fsspec ``file://``): one file opened for append;
  every write goes to the file at once (no buffer in the process), so whatever the step
  printed before it was killed is on disk.
* an object store (S3, GCS, ``memory://``...), which cannot append: numbered chunk
  objects under the log's URI as a prefix (``<step>.log/000001-<writer>``), one PUT
  each, at most every ``CHUNK_S`` seconds while lines come, and one at the end. Readers
  list the prefix and concatenate the chunks in name order. A kill loses at most the
  last ``CHUNK_S`` seconds.
* the in-process ``MemoryArtifactStore`` (tests): a bytes entry in its dict.

A silent step writes nothing (no file, no chunk): its record ends with no log URI. A
store of a third-party flavor gets the log as one content-addressed object at the end,
as before (``log_uri`` is "" until then).

Logs are not fsynced: they are diagnostics, not inputs of any cache key, and a sync per
step would cost more than the step on small pipelines.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from stackctl.components.artifact_stores.base import ArtifactStore

LOGS_DIR = "logs"
CHUNK_S = 0.5  # object stores: the longest a written line waits before its PUT
_CHUNK_MAX = 1 << 20  # ... or this many bytes


def log_uri(store: ArtifactStore, run_id: str, step: str) -> str:
    """Where the log of ``step`` in run ``run_id`` goes ("" when the store's flavor has
    no stable place for it: the URI is then known only once the step ends)."""
    if not _kind(store):
        return ""
    return f"{store.root}/{log_key(run_id, step)}"


def log_key(run_id: str, step: str) -> str:
    # step names are identifiers (schema); a separator in one must not escape the folder
    safe = step.replace("/", "_").replace("\\", "_")
    return f"{LOGS_DIR}/{run_id}/{safe}.log"


def is_step_log(uri: str) -> bool:
    """Whether ``uri`` names a log written here (older runs stored logs as objects)."""
    parts = uri.rstrip("/").split("/")
    return len(parts) >= 3 and parts[-3] == LOGS_DIR and parts[-1].endswith(".log")


_STORES = "stackctl.components.artifact_stores."


def _is(store: object, module: str, name: str) -> bool:
    # A store's class is imported once an instance exists: look it up, never import
    # (the fsspec module chain would cost every run's start-up).
    found = sys.modules.get(_STORES + module)
    return found is not None and isinstance(store, getattr(found, name))


def _kind(store: ArtifactStore) -> str:
    if _is(store, "local", "LocalArtifactStore"):
        return "file"
    if _is(store, "fsspec_store", "FsspecArtifactStore"):
        return "file" if getattr(store, "protocol", "") == "file" else "chunks"
    if _is(store, "memory", "MemoryArtifactStore"):
        return "memory"
    return ""


def _key_of(uri: str) -> str:
    """The store-relative key of a log URI: its last three parts (the store's root may
    have moved since, as with objects)."""
    return "/".join(uri.rstrip("/").split("/")[-3:])


def _path(store: Any, key: str) -> str:
    """The filesystem (or fsspec) path of a log key in a local or fsspec store."""
    if _is(store, "local", "LocalArtifactStore"):
        return str(store.path / key)
    return f"{str(store.path).rstrip('/')}/{key}"


class StepLog:
    """The text stream a step's output goes to: kept whole in memory (the worker's
    result needs it) and sent to the store as it comes."""

    def __init__(self, store: ArtifactStore, run_id: str, step: str, header: str) -> None:
        self.store, self.step = store, step
        self.kind = _kind(store)
        self.uri = log_uri(store, run_id, step)
        self.key = log_key(run_id, step)
        self._parts: list[str] = [header]
        self._pending: list[str] = [header]  # not yet in the store
        self._lock = threading.Lock()  # steps of a dask worker write from threads
        self._fd = -1
        self._chunk = 0
        self._writer = ""  # chunk names' writer id, made on the first chunk
        self._timer: threading.Timer | None = None
        self._last_put = 0.0
        self._broken = False  # the store refused a write: keep the text in memory only

    # -- the stream ---------------------------------------------------------------
    def write(self, text: str) -> int:
        if not text:
            return 0
        with self._lock:
            self._parts.append(text)
            self._pending.append(text)
            if self.kind in ("file", "memory"):
                self._send()
            elif self.kind == "chunks":
                self._schedule()
        return len(text)

    def flush(self) -> None:
        pass

    def getvalue(self) -> str:
        with self._lock:
            return "".join(self._parts)

    def close(self) -> str:
        """Send what is left; the log's URI, or "" when the step printed nothing."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            silent = len(self._parts) == 1
            if silent:
                return ""
            if self.kind:
                self._send()
            if self._fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = -1
            if not self.kind or self._broken:  # no stable place, or it refused a write
                return _store_whole(self.store, self.step, "".join(self._parts))
            return self.uri

    # -- sending (under the lock) --------------------------------------------------
    def _send(self) -> None:
        if self._broken or not self._pending:
            return
        data = "".join(self._pending).encode("utf-8", "replace")
        self._pending = []
        try:
            if self.kind == "file":
                self._append(data)
            elif self.kind == "memory":
                objects: dict[str, bytes] = getattr(self.store, "objects")  # noqa: B009
                objects[self.key] = objects.get(self.key, b"") + data
            else:
                self._put_chunk(data)
        except Exception:  # a full or read-only store must not fail the step
            self._broken = True

    def _append(self, data: bytes) -> None:
        if self._fd < 0:
            path = _path(self.store, self.key)
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def _put_chunk(self, data: bytes) -> None:
        self._chunk += 1
        # 8 random hex digits, as uuid4().hex[:8]; importing uuid (and platform) cost
        # every run's start ~3 ms
        self._writer = self._writer or os.urandom(4).hex()
        name = f"{_path(self.store, self.key)}/{self._chunk:06d}-{self._writer}"
        getattr(self.store, "fs").pipe_file(name, data)  # noqa: B009  # one PUT: visible whole or not at all
        self._last_put = time.monotonic()

    def _schedule(self) -> None:
        size = sum(len(p) for p in self._pending)
        if size >= _CHUNK_MAX or time.monotonic() - self._last_put >= CHUNK_S * 4:
            self._send()  # first lines (and big bursts) go up at once
            return
        if self._timer is None:
            self._timer = threading.Timer(CHUNK_S, self._tick)
            self._timer.daemon = True
            self._timer.start()

    def _tick(self) -> None:
        with self._lock:
            self._timer = None
            self._send()


def _store_whole(store: ArtifactStore, step: str, text: str) -> str:
    try:
        return store.put(f"{step}.log", lambda fp: fp.write(text.encode())).uri
    except Exception:
        return ""


class LogReader:
    """Reads a step log from where it last stopped (``runs logs --follow``)."""

    def __init__(self, store: ArtifactStore, uri: str) -> None:
        self.store, self.uri = store, uri
        self._offset = 0
        self._chunks: set[str] = set()

    def read_new(self) -> bytes:
        """The bytes written since the last call (b"" when none, or no log yet)."""
        if not self.uri:
            return b""
        if not is_step_log(self.uri):  # a whole object (older runs, other flavors)
            if self._offset:
                return b""
            try:
                with self.store.open(self.uri) as fp:
                    data = fp.read()
            except Exception:
                return b""
            self._offset = len(data)
            return bytes(data)
        return self._read_log()

    def _read_log(self) -> bytes:
        kind, key = _kind(self.store), _key_of(self.uri)
        if kind == "memory":
            objects: dict[str, bytes] = getattr(self.store, "objects")  # noqa: B009
            data = objects.get(key, b"")[self._offset :]
        elif kind == "file":
            data = self._read_file(_path(self.store, key))
        elif kind == "chunks":
            data = self._read_chunks(_path(self.store, key))
        else:
            data = b""
        self._offset += len(data)
        return data

    def _read_file(self, path: str) -> bytes:
        try:
            with open(path, "rb") as fp:
                fp.seek(self._offset)
                return fp.read()
        except FileNotFoundError:
            return b""

    def _read_chunks(self, prefix: str) -> bytes:
        fs: Any = getattr(self.store, "fs")  # noqa: B009
        with contextlib.suppress(Exception):
            fs.invalidate_cache(prefix)  # s3fs caches listings: we need the new chunks
        try:
            names = sorted(str(n) for n in fs.find(prefix))
        except FileNotFoundError:
            return b""
        parts = []
        for name in names:
            if name in self._chunks:
                continue
            try:
                parts.append(bytes(fs.cat_file(name)))
            except FileNotFoundError:
                break  # listed but gone: read it next time, keep the order
            self._chunks.add(name)
        return b"".join(parts)


def read_log(store: ArtifactStore, uri: str) -> bytes:
    """A whole step log, of a running or a finished step."""
    return LogReader(store, uri).read_new()
