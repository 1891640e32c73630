"""Read YAML with ruamel (round trip) keeping every node's line and column.

Hostile input is refused before it can hurt: files over MAX_BYTES, non-UTF-8 bytes,
documents nested deeper than MAX_DEPTH, and alias bombs ("billion laughs") that would
expand past MAX_NODES are each a one-line ConfigError with a location.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stackctl.errors import ConfigError, Diagnostic, Location

MAX_BYTES = 5 * 1024 * 1024  # a stack file is a few KB; 5 MB is already absurd
MAX_DEPTH = 64
MAX_NODES = 200_000  # after alias expansion

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed YAML file: the ruamel tree (with positions) and where it came from."""

    path: Path
    display: str  # path as shown to users (relative to the project root)
    data: Any  # CommentedMap / CommentedSeq / scalar / None
    text: str

    def locate(self, key_path: PathKey) -> Location:
        """The line:col of the deepest node on ``key_path`` that exists (1-based)."""
        line, col = _position(self.data, key_path)
        return Location(self.display, line + 1, col + 1)

    def error(self, key_path: PathKey, message: str, hint: str = "") -> Diagnostic:
        return Diagnostic(self.locate(key_path), message, pointer(key_path), hint)


def pointer(key_path: PathKey) -> str:
    """RFC 6901 JSON pointer for a key path."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in key_path)
    return "".join("/" + p for p in parts)


def _position(node: Any, key_path: PathKey) -> tuple[int, int]:
    best = (0, 0)
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        best = (lc.line, lc.col)
    for key in key_path:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(key, int) and isinstance(node, list):
                best = lc.item(key) if lc is not None else best
                node = node[key]
            elif isinstance(node, dict) and key in node:
                best = lc.key(key) if lc is not None else best
                node = node[key]
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
    return best


def read_document(path: Path, display: str) -> Document:
    """Read and parse one YAML file, or raise ConfigError pointing at the problem."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _fail(
                display,
                f"file is {size:,} bytes; the limit is {MAX_BYTES:,}",
                "split it or remove generated content",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(
            display, f"cannot read file: {exc.strerror}", "check the path and permissions"
        ) from None
    return parse_document(raw, path, display)


def parse_document(raw: bytes, path: Path, display: str) -> Document:
    text = _decode(raw, display)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise _fail(display, "file is empty", "add content or remove it from `include`", 1, 1)
    data = _parse(text, display)
    _check_shape(data, display)
    return Document(path, display, data, text)


def _decode(raw: bytes, display: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise _fail(
            display,
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            "save it as UTF-8",
            line,
            col,
        ) from None
    return text.removeprefix("\ufeff")


def _parse(text: str, display: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(p).strip() for p in (exc.context, exc.problem) if p)
        message = message.replace("\n", " ").split("  ")[0] or "invalid YAML"
        hint = (
            "YAML forbids tabs for indentation; use spaces"
            if "\\t" in str(exc) or "tab" in str(exc)
            else _yaml_hint(message)
        )
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise _fail(display, f"YAML syntax: {message}", hint, line, col) from None
    except (YAMLError, RecursionError) as exc:
        what = (
            "document is nested too deeply"
            if isinstance(exc, RecursionError)
            else f"YAML syntax: {exc}"
        )
        raise _fail(display, what, f"keep nesting under {MAX_DEPTH} levels", 1, 1) from None


def _yaml_hint(message: str) -> str:
    if "duplicate key" in message:
        return "each key may appear once in a mapping; remove or rename one"
    return "check indentation and quoting near this position"


def _check_shape(data: Any, display: str) -> None:
    """Refuse alias bombs and deep nesting before any recursive walk touches them."""
    sizes: dict[int, int] = {}
    # Iterative post-order walk with memo per object id: shared (aliased) nodes are
    # counted with their full expanded size but visited once, so this stays linear.
    stack: list[tuple[Any, int, bool]] = [(data, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise _fail(
                display,
                f"document is nested deeper than {MAX_DEPTH} levels",
                "flatten the structure",
                *_lc(node),
            )
        if not isinstance(node, dict | list) or id(node) in sizes:
            continue
        children = list(node.values()) if isinstance(node, dict) else list(node)
        if done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > MAX_NODES:
                raise _fail(
                    display,
                    f"document expands to more than {MAX_NODES:,} nodes through aliases",
                    "this looks like a YAML alias bomb; remove the nested anchors",
                    *_lc(node),
                )
            sizes[id(node)] = total
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if isinstance(c, dict | list))


def _lc(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return (1, 1)
    return (lc.line + 1, lc.col + 1)


def _fail(display: str, message: str, hint: str = "", line: int = 0, col: int = 0) -> ConfigError:
    return ConfigError([Diagnostic(Location(display, line, col), message, "", hint)])


def to_plain(node: Any) -> Any:
    """A plain dict/list/scalar copy of a ruamel tree (for OmegaConf and jsonschema)."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, str) else k: to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if type(node).__module__.startswith("ruamel"):
        for base in (bool, int, float, str):
            if isinstance(node, base):
                return base(node)
    return node


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
