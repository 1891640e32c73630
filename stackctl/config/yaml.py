"""Read YAML keeping every node's line and column.

Two readers give the same data and positions: libyaml (``config/libyaml.py``, plain data
and a position index; the fast path) and ruamel's round trip (``config/roundtrip.py``,
``lc`` on each node; for fmt, for documents the fast path does not read exactly the
same way, and for every error message, so messages have one source). What is refused
before either reads far, and why, is in ``config/yaml_limits.py``.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stackctl.config.libyaml import UNKNOWN, Fallback, Pos, compose, position
from stackctl.config.roundtrip import line_col, parse_roundtrip
from stackctl.config.yaml_limits import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    check_shape,
    fail,
)
from stackctl.errors import ConfigError, Diagnostic, Location
from stackctl.files import FileRefused, read_capped

PathKey = tuple[str | int, ...]
_SIMPLE = re.compile(r"^[A-Za-z0-9_-]+\Z")


@dataclass
class Document:
    """A parsed YAML file: the ruamel tree (with positions) and where it came from."""

    path: Path
    display: str  # path as shown to users (relative to the project root)
    data: Any  # plain data (fast path), or CommentedMap / CommentedSeq / scalar / None
    text: str
    #: Positions from the libyaml path (``data`` is then plain); None: ruamel's ``lc``.
    index: Pos | None = None

    def locate(self, key_path: PathKey) -> Location:
        """The line:col of the deepest node on ``key_path`` that exists (1-based)."""
        line, col = self._position(key_path, False)
        return Location(self.display, line + 1, col + 1)

    def locate_value(self, key_path: PathKey) -> Location:
        """Like ``locate`` but at the value of the last key (e.g. the flavor name)."""
        line, col = self._position(key_path, True)
        return Location(self.display, line + 1, col + 1)

    def _position(self, key_path: PathKey, value: bool) -> tuple[int, int]:
        if self.index is not None:
            found = position(self.index, key_path, value)
            if found != UNKNOWN[:2]:
                return found
            # Rare (a located empty value): read the file with ruamel once for its lc.
            self.data, self.index = parse_roundtrip(self.text, self.display), None
        return _position(self.data, key_path, value)

    def error(self, key_path: PathKey, message: str, hint: str = "") -> Diagnostic:
        return Diagnostic(self.locate(key_path), message, pointer(key_path), hint)

    def value_error(self, key_path: PathKey, message: str, hint: str = "") -> Diagnostic:
        return Diagnostic(self.locate_value(key_path), message, pointer(key_path), hint)


def pointer(key_path: PathKey) -> str:
    """RFC 6901 JSON pointer for a key path."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in key_path)
    return "".join("/" + p for p in parts)


def dotted(key_path: PathKey) -> str:
    """`a.b[0].c` for messages; odd keys are quoted so a message stays on one line."""
    text = ""
    for key in key_path:
        if isinstance(key, int):
            text += f"[{key}]"
        elif _SIMPLE.match(key):
            text += f".{key}" if text else key
        else:
            text += f"[{key!r}]"
    return text


def _position(node: Any, key_path: PathKey, value: bool = False) -> tuple[int, int]:
    best = (0, 0)
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        best = (lc.line, lc.col)
    for index, key in enumerate(key_path):
        lc = getattr(node, "lc", None)
        last = index == len(key_path) - 1
        try:
            if isinstance(key, int) and isinstance(node, list):
                best = lc.item(key) if lc is not None else best
                node = node[key]
            elif isinstance(node, dict) and key in node:
                best = (lc.value(key) if value and last else lc.key(key)) if lc else best
                node = node[key]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return best


def read_document(path: Path, display: str) -> Document:
    """Read and parse one YAML file, or raise ConfigError pointing at the problem.

    The read is bounded whatever the path is (a device or FIFO is refused, not read).
    """
    try:
        raw = read_capped(path, display, MAX_BYTES)
    except FileRefused as exc:
        raise fail(display, exc.reason, exc.hint) from None
    return parse_document(raw, path, display)


def parse_document(
    raw: bytes, path: Path, display: str, *, preserve_quotes: bool = False
) -> Document:
    """Parse YAML bytes into a Document, refusing hostile input with a located error.

    ``preserve_quotes`` keeps each scalar's quoting for a faithful round trip (fmt) and
    needs ruamel's tree. Otherwise libyaml reads the file (``config/libyaml.py``), and
    ruamel only when that path falls back: for the documents it cannot read exactly as
    ruamel does, and for every error, so the messages come from one place.
    """
    if len(raw) > MAX_BYTES:
        raise _too_big(display, len(raw))
    text = _decode(raw, display)
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise fail(display, "file is empty", "add content, or remove the file from `include`")
    if not preserve_quotes:
        try:
            data, index, aliased = compose(text, MAX_DEPTH, MAX_NODES)
            if aliased:
                check_shape(data, display)
            doc = Document(path, display, data, text, index)
            if "\\" in text:  # NUL can only be written as an escape
                _check_text(data, doc)
            return doc
        except (Fallback, ConfigError):
            pass  # ruamel reads it again and words any error
    data = parse_roundtrip(text, display, preserve_quotes)
    check_shape(data, display)
    doc = Document(path, display, data, text)
    if "\\" in text:
        _check_text(data, doc)
    return doc


def _check_text(data: Any, doc: Document) -> None:
    """Refuse NUL in any string (written `"\\0"`): no file, path or command takes one,
    so it would pass validate and plan and fail apply halfway."""
    stack: list[tuple[PathKey, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(k, str) and "\0" in k:
                    raise ConfigError([doc.error(path, "a key holds a NUL character", _NUL)])
                stack.append(((*path, k), v))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
        elif isinstance(node, str) and "\0" in node:
            message = f"{dotted(path) or 'value'}: holds a NUL character"
            raise ConfigError([doc.value_error(path, message, _NUL)])


_NUL = "remove the `\\0` escape; no name, path or command may contain NUL"


def _too_big(display: str, size: int) -> ConfigError:
    return fail(
        display,
        f"file is {size:,} bytes; the limit is {MAX_BYTES:,}",
        "split it into several files, or remove generated content",
    )


def _decode(raw: bytes, display: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = line_col(raw, exc.start)
        raise fail(
            display,
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            "save the file as UTF-8",
            line,
            col,
        ) from None
    return text.removeprefix("\ufeff")


def to_plain(node: Any) -> Any:
    """A plain JSON-like copy of a ruamel tree (for OmegaConf and jsonschema).

    Keys become strings; YAML-only scalars (dates, binary, tagged values) become text.
    """
    if isinstance(node, dict):
        return {_key(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if node is None or type(node) in (bool, int, float, str):
        return node
    for base in (bool, int, float, str):
        if isinstance(node, base):
            return base(node)
    if isinstance(node, datetime.date | datetime.datetime):
        return node.isoformat()
    value = getattr(node, "value", None)  # ruamel TaggedScalar
    return str(value if isinstance(value, str) else node)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return str(key)
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, list | tuple):
        return "[" + ", ".join(_key(k) for k in key) + "]"
    return str(to_plain(key))


def walk(node: Any, prefix: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every (key path, leaf) pair of a plain tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, (*prefix, i))
    else:
        yield prefix, node


def dump_plain(data: Any) -> str:
    """Block-style YAML for plain data, keys in the given order."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()
