"""Read YAML keeping every node's line and column.

Two readers give the same data and positions: libyaml (``config/libyaml.py``, plain data
and a position index; the fast path) and ruamel's round trip (``lc`` on each node; for
fmt, for documents the fast path does not read exactly the same way, and for every
error message, so messages have one source).

Hostile input is refused before it can hurt, each time with a one-line ConfigError that
points at a line >= 1 (whole-file problems point at 1:1):

* files over MAX_BYTES, and anything that is not a regular file (a device, FIFO or
  directory: their size says nothing), read with a byte cap (``stackctl/files.py``);
* bytes that are not UTF-8, and characters YAML forbids (NUL, most control codes);
* documents nested deeper than MAX_DEPTH (ruamel's composer stops at the first level
  too deep, so a million `[` cannot exhaust the stack);
* alias bombs ("billion laughs") and recursive aliases: the expanded size and height
  are computed with a memo per shared node, so the check itself stays linear.
"""

from __future__ import annotations

import datetime
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stackctl.config.libyaml import UNKNOWN, Fallback, Pos, compose, position
from stackctl.errors import ConfigError, Diagnostic, Location
from stackctl.files import MAX_FILE_BYTES, FileRefused, read_capped

# ruamel's round-trip parser reads about 200 KB/s; stack and pipeline files are a few
# KB, so 1 MiB is generous and keeps the worst case within a few seconds.
MAX_BYTES = MAX_FILE_BYTES
MAX_DEPTH = 64
#: Nodes that aliases may add by expansion (a billion-laughs document adds billions).
#: Plain nodes are not counted against it: the byte cap bounds those (~500k at most).
MAX_ALIAS_NODES = 100_000
MAX_NODES = 1_000_000  # a backstop for the libyaml path; 1 MiB cannot hold this many
MAX_KEY = 1024  # YAML's own limit for an implicit (plain) key

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
            self.data, self.index = _parse(self.text, self.display), None
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
        raise _fail(display, exc.reason, exc.hint) from None
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
        raise _fail(display, "file is empty", "add content, or remove the file from `include`")
    if not preserve_quotes:
        try:
            data, index, aliased = compose(text, MAX_DEPTH, MAX_NODES)
            if aliased:
                _check_shape(data, display)
            doc = Document(path, display, data, text, index)
            if "\\" in text:  # NUL can only be written as an escape
                _check_text(data, doc)
            return doc
        except (Fallback, ConfigError):
            pass  # ruamel reads it again and words any error
    data = _parse(text, display, preserve_quotes)
    _check_shape(data, display)
    doc = Document(path, display, data, text)
    if "\\" in text:
        _check_text(data, doc)
    return doc


def _too_big(display: str, size: int) -> ConfigError:
    return _fail(
        display,
        f"file is {size:,} bytes; the limit is {MAX_BYTES:,}",
        "split it into several files, or remove generated content",
    )


def _decode(raw: bytes, display: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        raise _fail(
            display,
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            "save the file as UTF-8",
            line,
            col,
        ) from None
    return text.removeprefix("\ufeff")


def _line_col(text: bytes | str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    newline = b"\n" if isinstance(before, bytes) else "\n"
    line = before.count(newline) + 1  # type: ignore[arg-type]
    return line, offset - (before.rfind(newline) + 1) + 1  # type: ignore[arg-type]


def _parse(text: str, display: str, preserve_quotes: bool = False) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import MaxDepthExceededError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    from stackctl.config.duplicates import BadTag, BadValue, DuplicateKey, StrictConstructor

    yaml = YAML(typ="rt")
    yaml.Constructor = StrictConstructor
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = preserve_quotes
    yaml.max_depth = MAX_DEPTH + 1  # ruamel counts the scalar leaves as a level too
    try:
        with warnings.catch_warnings():
            # e.g. ReusedAnchorWarning: legal YAML (the later anchor wins), and a warning
            # would print a multi-line message in the middle of the CLI's output.
            warnings.simplefilter("ignore")
            return yaml.load(io.StringIO(text))
    except DuplicateKey as exc:
        raise _fail(
            display,
            f"duplicate key {exc.key!r} (first defined at line {exc.first_line})",
            "a key may appear once in a mapping; remove or rename one of them",
            exc.line,
            exc.column,
        ) from None
    except BadValue as exc:
        raise _fail(
            display,
            f"cannot read the value {exc.text[:60]!r}: {' '.join(exc.reason.split())[:120]}",
            "quote it to keep it as text, or fix its !!tag",
            exc.line,
            exc.column,
        ) from None
    except BadTag as exc:
        shown = exc.tag.replace("tag:yaml.org,2002:", "!!")
        raise _fail(
            display,
            f"unsupported YAML tag {shown[:80]!r}",
            "remove the tag; stackctl reads only the standard ones (!!str, !!int, !!float,"
            " !!bool, !!null, !!map, !!seq...)",
            exc.line,
            exc.column,
        ) from None
    except MaxDepthExceededError as exc:
        line, col = _mark(exc)
        raise _fail(display, _deep(), "flatten the structure", line, col) from None
    except MarkedYAMLError as exc:
        line, col = _mark(exc)
        problem = " ".join(str(exc.problem or "invalid YAML").split())
        tabs = "'\\t'" in problem
        context = " ".join(str(exc.context or "").split())
        hint = (
            "YAML forbids tabs for indentation; use spaces"
            if tabs
            else _yaml_hint(f"{context} {problem}")
        )
        opened = exc.context_mark.line + 1 if exc.context_mark is not None else 0
        if problem.startswith("but ") and context:
            message = f"YAML syntax: {context}, {problem}"
        elif context.startswith("while parsing a flow") and opened and opened != line:
            what = context.removeprefix("while parsing a ")
            message = f"YAML syntax: {problem} (in the {what} that starts at line {opened})"
            bracket = "{" if "mapping" in what else "["
            hint = f"close the `{bracket}` opened at line {opened}, or quote the value here"
        else:
            message = f"YAML syntax: {problem}" + (f" ({context})" if context and not tabs else "")
        key = _long_key(text, line, col) if "mapping values" in problem else 0
        if key:
            message = f"key is {key:,} characters long; YAML allows at most {MAX_KEY:,}"
            hint = "shorten the key (stackctl names are at most 63 characters)"
        raise _fail(display, message, hint, line, col) from None
    except ReaderError as exc:
        line, col = _line_col(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else 0
        raise _fail(
            display,
            f"YAML forbids the control character U+{code:04X}",
            "remove it, or write it as an escape inside a double-quoted string",
            line,
            col,
        ) from None
    except RecursionError:
        raise _fail(display, _deep(), "flatten the structure") from None
    except YAMLError as exc:
        message = " ".join(str(exc).split())
        raise _fail(display, f"YAML syntax: {message}", _yaml_hint(message)) from None
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError) as exc:
        # A last resort: ruamel failed in a way it does not translate itself.
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise _fail(display, f"YAML cannot be read: {reason}", _yaml_hint("")) from None


def _long_key(text: str, line: int, col: int) -> int:
    """The length of the plain key before ``line:col`` if it is over YAML's limit."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return 0
    key = lines[line - 1][: col - 1].strip().lstrip("-?{[, ").strip()
    return len(key) if len(key) > MAX_KEY else 0


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


def _deep() -> str:
    return f"document is nested deeper than {MAX_DEPTH} levels"


def _mark(exc: Any) -> tuple[int, int]:
    mark = exc.problem_mark or exc.context_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _yaml_hint(problem: str) -> str:
    if "single document" in problem:
        return "a stackctl file holds one YAML document; remove the `---` separator"
    if "undefined alias" in problem:
        return "define the anchor `&name` before the alias `*name` that uses it"
    if "mapping values are not allowed" in problem:
        return "quote values that contain ': ', or fix the indentation"
    return "check the indentation and quoting near this position"


def _check_shape(data: Any, display: str) -> None:
    """Refuse alias bombs, recursive aliases and deep nesting before any recursive walk.

    An iterative post-order walk with a memo per object id: shared (aliased) nodes count
    with their full expanded size and height but are visited once, so this is linear.
    The bomb check counts what alias expansion adds (expanded minus written nodes), so
    a big plain list is never taken for a bomb.
    """
    sizes: dict[int, tuple[int, int]] = {}  # id -> (expanded nodes, height)
    open_: set[int] = set()
    real = 1  # nodes as written (each shared node once), the root included
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, dict | list) or (not done and id(node) in sizes):
            continue
        children = [
            c
            for c in (node.values() if isinstance(node, dict) else node)
            if isinstance(c, dict | list)
        ]
        if not done:
            if id(node) in open_:
                continue  # already on the stack through another parent; handled there
            open_.add(id(node))
            stack.append((node, True))
            for child in children:
                if id(child) in open_ and id(child) not in sizes:
                    raise _fail(
                        display,
                        "an alias refers to a node that contains it (a recursive structure)",
                        "remove the alias, or point it at a node outside this one",
                        *_lc(child),
                    )
                stack.append((child, False))
            continue
        total = 1 + len(node) + sum(sizes[id(c)][0] - 1 for c in children)
        height = 1 + max((sizes[id(c)][1] for c in children), default=0)
        sizes[id(node)] = (total, height)
        real += len(node)
        if total - real > MAX_ALIAS_NODES:  # what aliases add beyond the nodes written
            raise _fail(
                display,
                f"aliases expand to more than {MAX_ALIAS_NODES:,} extra nodes",
                "this looks like a YAML alias bomb; remove the nested anchors and aliases",
                *_lc(node),
            )
        if height > MAX_DEPTH:
            raise _fail(display, _deep(), "flatten the structure", *_lc(node))


def _lc(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return (1, 1)
    return (lc.line + 1, lc.col + 1)


def _fail(display: str, message: str, hint: str = "", line: int = 1, col: int = 1) -> ConfigError:
    return ConfigError([Diagnostic(Location(display, line, col), message, "", hint)])


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
