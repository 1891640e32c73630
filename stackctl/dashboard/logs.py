"""Reading step logs: the runtime writes each step's stdout/stderr into the artifact
store as the step runs (one file, or numbered chunks on an object store).

Logs are read with fsspec straight from the URI the step record links (a local path or
``file://`` for the local artifact store; any fsspec URL otherwise), so the dashboard
needs no artifact store object. Pages show the first ``LIMIT`` bytes; the raw endpoint
streams the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stackctl.frozen import frozen

LIMIT = 200 * 1024  # bytes shown inline; past this a page links to the raw text
CHUNK = 64 * 1024


@frozen
class LogText:
    """The head of a log, or why it cannot be shown."""

    text: str
    size: int | None  # bytes in the whole log, when known
    truncated: bool
    error: str = ""


def _locate(uri: str) -> tuple[Any, str]:
    """(filesystem, path) for a URI; a plain path is a local file."""
    from fsspec.core import url_to_fs

    return url_to_fs(uri)  # type: ignore[no-any-return]


class _Chunks:
    """A step log on an object store: numbered chunk objects under the log's URI
    (runtime/steplog.py), read as one file, in name order."""

    def __init__(self, fs: Any, names: list[str]) -> None:
        self.fs, self.names = fs, names

    def size(self) -> int:
        return sum(int(self.fs.size(n)) for n in self.names)

    def blocks(self) -> Iterator[bytes]:
        for name in self.names:
            yield bytes(self.fs.cat_file(name))


def _chunks(fs: Any, path: str) -> _Chunks | None:
    """The chunks when ``path`` is a chunked log (a prefix, not a file), else None."""
    if fs.isfile(path):
        return None
    names = sorted(str(n) for n in fs.find(path))
    if not names:
        raise FileNotFoundError(path)
    return _Chunks(fs, names)


def _head(fs: Any, path: str, limit: int) -> tuple[bytes, int]:
    chunked = _chunks(fs, path)
    if chunked is None:
        with fs.open(path, "rb") as fh:
            return fh.read(limit), int(fs.size(path))
    data = b""
    for block in chunked.blocks():
        data += block
        if len(data) >= limit:
            break
    return data[:limit], chunked.size()


def _end(fs: Any, path: str, limit: int) -> tuple[bytes, int]:
    chunked = _chunks(fs, path)
    if chunked is None:
        size = int(fs.size(path))
        with fs.open(path, "rb") as fh:
            fh.seek(max(0, size - limit))
            return fh.read(limit), size
    whole = b"".join(chunked.blocks())  # chunks are small and few: one step's output
    return whole[-limit:], len(whole)


def read(uri: str, limit: int = LIMIT) -> LogText:
    """Up to ``limit`` bytes of the log at ``uri``, decoded as UTF-8 (bad bytes replaced)."""
    if not uri:
        return LogText("", None, False, "no log recorded: the step printed nothing, or did not run")
    try:
        fs, path = _locate(uri)
        head, size = _head(fs, path, limit)
    except Exception as exc:  # any backend failure becomes a message, never a traceback
        return LogText("", None, False, f"the log at {uri} cannot be read: {exc}")
    return LogText(head.decode("utf-8", "replace"), size, size > len(head))


def tail(uri: str, lines: int = 8, limit: int = 16 * 1024) -> str:
    """The last ``lines`` lines of the log at ``uri`` (its last ``limit`` bytes at most):
    a failed step's traceback tail for its run page; "" when there is none to read."""
    if not uri:
        return ""
    try:
        fs, path = _locate(uri)
        end, size = _end(fs, path, limit)
    except Exception:  # the page still shows the one-line error and links the log
        return ""
    kept = end.decode("utf-8", "replace").splitlines()
    if size > limit:
        kept = kept[1:]  # the window began inside a line: never show half of one
    return "\n".join(kept[-lines:])


def stream(uri: str) -> Iterator[bytes]:
    """The whole log in chunks; opening it raises (before the first chunk) when it fails."""
    fs, path = _locate(uri)
    chunked = _chunks(fs, path)
    if chunked is not None:
        return chunked.blocks()
    handle = fs.open(path, "rb")

    def chunks() -> Iterator[bytes]:
        with handle as fh:
            while block := fh.read(CHUNK):
                yield block

    return chunks()
