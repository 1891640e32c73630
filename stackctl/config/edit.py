"""Edit stack files in place: comments, quoting and unrelated lines survive byte-for-byte.

ruamel's round trip keeps comments but attaches each one to the node *before* it, and it
re-indents the whole file to one style. Both would turn a one-line change into a noisy
diff in review, so every edit here is written back as a splice:

* additions and updates change the ruamel tree, then only the lines that differ between
  a dump of the tree before and after the change are replaced in the original text;
* deletions cut the key's own lines out of the original text (with the comment lines
  directly above it), leaving comments that introduce the next key in place.

After every edit the new text is parsed again and compared with the intended data; a
splice that does not produce exactly that data falls back to the plain round-trip dump.
"""

from __future__ import annotations

import copy
import difflib
import io
from collections.abc import Callable, Mapping
from typing import Any

from stackctl.config.yaml import PathKey, to_plain
from stackctl.errors import ConfigError, Diagnostic, Location

_WIDTH = 4096  # never re-wrap long lines: a wrapped line is a diff nobody asked for


class StackFile:
    """One stack file (``components:`` / ``stacks:``) open for round-trip editing."""

    def __init__(self, text: str, display: str = "<stack file>") -> None:
        self.display = display
        self.text = text
        self.data: Any = _load(text, display) if text.strip() else None
        if self.data is None:
            self.data = _new_map()
            self.text = ""
        if not isinstance(self.data, dict):
            raise _error(display, "expected a mapping with `components:` or `stacks:`")

    # -- queries ------------------------------------------------------------------------
    @property
    def is_pipeline_file(self) -> bool:
        return "pipelines" in self.data

    @property
    def empty(self) -> bool:
        return not self.data

    def has(self, *path: str) -> bool:
        node: Any = self.data
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return False
            node = node[key]
        return True

    def get(self, *path: str) -> Any:
        """The plain value at ``path`` (KeyError when missing)."""
        node: Any = self.data
        for key in path:
            node = node[key]
        return to_plain(node)

    # -- edits --------------------------------------------------------------------------
    def add_component(self, type_: str, name: str, body: Mapping[str, Any]) -> None:
        """Declare ``components.<type_>.<name>`` (the caller checks for clashes)."""
        same_type = self._flow_style(("components", type_), depth=1)
        flow = same_type if same_type is not None else self._flow_style(("components",), 2)
        self._set(("components", type_, name), _node(body, bool(flow)))

    def add_stack(self, name: str, body: Mapping[str, Any]) -> None:
        flow = self._flow_style(("stacks",), depth=1)
        self._set(("stacks", name), _node(body, bool(flow)))

    def update_component(
        self,
        type_: str,
        name: str,
        *,
        flavor: str | None = None,
        config: Mapping[str, Any] | None = None,
        unset: tuple[str, ...] = (),
    ) -> None:
        """Change a declared component in place: new flavor, merged config, keys removed."""
        before = self._dump(self.data)
        node = self.data["components"][type_][name]
        if flavor is not None:
            node["flavor"] = flavor
        if config or unset:
            if "config" not in node or node["config"] is None:
                node["config"] = _node({}, _is_flow(node))
            cfg = node["config"]
            for key, value in (config or {}).items():
                cfg[key] = _node(value, _is_flow(cfg))
            for key in unset:
                cfg.pop(key, None)
            if not cfg:
                del node["config"]
        self._commit_tree(before)

    def remove_component(self, type_: str, name: str) -> None:
        path: tuple[str, ...] = ("components", type_, name)
        if len(self.data["components"][type_]) == 1:
            path = ("components", type_)
            if len(self.data["components"]) == 1:
                path = ("components",)
        self._remove(path)

    def update_stack(
        self, name: str, components: Mapping[str, str], unset: tuple[str, ...] = ()
    ) -> None:
        """Point a declared stack at other components (type -> name), drop ``unset`` types."""
        before = self._dump(self.data)
        node = self.data["stacks"][name]
        for type_, comp in components.items():
            node[type_] = comp
        for type_ in unset:
            node.pop(type_, None)
        self._commit_tree(before)

    def remove_stack(self, name: str) -> None:
        self._remove(("stacks", name) if len(self.data["stacks"]) > 1 else ("stacks",))

    def change(self, mutate: Callable[[Any], None]) -> None:
        """Run ``mutate`` on the round-trip tree, then splice in only the changed lines
        (config/moves_edit.py renames keys and appends `moved:` entries this way)."""
        before = self._dump(self.data)
        mutate(self.data)
        self._commit_tree(before)

    def prepend_comment(self, comment: str) -> None:
        """Put comment lines (given without `#`) at the top of the file."""
        lines = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
        self.text = lines + self.text

    # -- internals ------------------------------------------------------------------------
    def _flow_style(self, section: tuple[str, ...], depth: int) -> bool | None:
        """New entries copy the style of their siblings: flow `{...}` when all of them
        are, block otherwise; None when there are no siblings."""
        node: Any = self.data
        for key in section:
            node = node.get(key) if isinstance(node, dict) else None
        siblings: list[Any] = [node] if isinstance(node, dict) else []
        for _ in range(depth - 1):
            siblings = [v for s in siblings for v in s.values() if isinstance(v, dict)]
        entries = [v for s in siblings for v in s.values() if isinstance(v, dict)]
        return all(_is_flow(e) for e in entries) if entries else None

    def _set(self, path: PathKey, value: Any) -> None:
        before = self._dump(self.data)
        node = self.data
        for key in path[:-1]:
            if key not in node or not isinstance(node[key], dict):
                # `components` goes above `stacks`, as every example file has it
                child = _new_map()
                if key == "components" and "stacks" in node:
                    node.insert(list(node).index("stacks"), key, child)
                else:
                    node[key] = child
            node = node[key]
        node[path[-1]] = value
        self._commit_tree(before)

    def _commit_tree(self, before_dump: str) -> None:
        after_dump = self._dump(self.data)
        expected = to_plain(self.data)
        text = _splice(self.text, before_dump, after_dump) if self.text else after_dump
        self._accept(text, after_dump, expected)

    def _remove(self, path: tuple[str, ...]) -> None:
        expected_tree = copy.deepcopy(self.data)
        parent = expected_tree
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
        expected = to_plain(expected_tree)
        if not expected:
            self.text, self.data = "", _new_map()
            return
        text = _cut(self.text, self.data, path)
        self._accept(text, self._dump(expected_tree), expected)

    def _accept(self, text: str | None, fallback: str, expected: Any) -> None:
        if text is not None:
            try:
                if to_plain(_load(text, self.display)) == expected:
                    self.text = text
                    self.data = _load(text, self.display)
                    return
            except ConfigError:
                pass
        self.text = fallback
        self.data = _load(fallback, self.display)

    def _dump(self, data: Any) -> str:
        return dump(data, self.text)


def dump(data: Any, like: str = "") -> str:
    """YAML text for ``data`` (a ruamel tree or plain data) in the layout of ``like``."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    yaml = YAML(typ="rt")
    yaml.width = _WIDTH
    yaml.preserve_quotes = True
    indent, offset = 2, 0
    if like.strip():
        try:
            _, guessed, seq = load_yaml_guess_indent(like)
            indent, offset = guessed or 2, seq or 0
        except Exception:  # a guess only; the default layout is fine
            pass
    yaml.indent(mapping=indent, sequence=max(indent, offset + 2), offset=offset)
    yaml.explicit_start = _has_document_start(like)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def parse(text: str, display: str) -> Any:
    """A ruamel round-trip tree of ``text`` (ConfigError on bad YAML)."""
    return _load(text, display)


def _load(text: str, display: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    try:
        return yaml.load(io.StringIO(text))
    except YAMLError as exc:
        raise _error(display, f"YAML syntax: {str(exc).splitlines()[0]}") from None


def _new_map() -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()


def _node(value: Any, flow: bool) -> Any:
    """A ruamel node for plain ``value``; flow style `{...}` when ``flow``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        node = CommentedMap((k, _node(v, flow)) for k, v in value.items())
        if flow:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_node(v, flow) for v in value)
        if flow:
            seq.fa.set_flow_style()
        return seq
    if flow and isinstance(value, str) and not _plain_in_flow(value):
        from ruamel.yaml.scalarstring import SingleQuotedScalarString

        return SingleQuotedScalarString(value)
    return value


#: characters that end or start something inside `{...}`; ruamel's emitter leaves some
#: strings with them plain there (`{k: : a}` for ": a"), which does not read back
_FLOW_SPECIAL = frozenset(":,[]{}#&*!|>'\"%@`")


def _plain_in_flow(text: str) -> bool:
    """Whether ``text`` reads back as itself written plain inside a flow mapping (else it
    is quoted; a string in block style is left to ruamel, which quotes what it must)."""
    return bool(text) and text == text.strip() and not _FLOW_SPECIAL & set(text)


def _is_flow(node: Any) -> bool:
    fa = getattr(node, "fa", None)
    return bool(fa is not None and fa.flow_style())


def _has_document_start(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped.startswith("---")
    return False


def _splice(original: str, before: str, after: str) -> str | None:
    """Apply the line diff ``before`` -> ``after`` to ``original`` (same lines as ``before``)."""
    old = original.splitlines(keepends=True)
    base = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    if len(old) != len(base):
        return None  # the round trip merged or split lines: no safe mapping
    if old and not old[-1].endswith("\n"):
        old[-1] += "\n"
    result: list[str] = []
    matcher = difflib.SequenceMatcher(None, base, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        result.extend(old[i1:i2] if tag == "equal" else new[j1:j2])
    return "".join(result)


def _cut(text: str, data: Any, path: tuple[str, ...]) -> str | None:
    """``text`` without the lines of the key at ``path`` (None when not line-addressable)."""
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if _is_flow(parent) or not hasattr(parent, "lc"):
        return None
    lines = text.splitlines(keepends=True)
    line, col = parent.lc.key(path[-1])
    if line >= len(lines):
        return None
    end = len(lines)
    for index in range(line + 1, len(lines)):
        if _is_content(lines[index]) and _indent(lines[index]) <= col:
            end = index
            break
    # Blank lines and comments at the key's own indent (or less) just before the next
    # key introduce that key: keep them.
    cut = end
    while cut > line + 1 and (not lines[cut - 1].strip() or _is_comment_at(lines[cut - 1], col)):
        cut -= 1
    start = line
    while start > 0 and _is_comment(lines[start - 1]) and _indent(lines[start - 1]) == col:
        start -= 1
    before_blank = start == 0 or not lines[start - 1].strip()
    if before_blank and cut < len(lines) and not lines[cut].strip():
        cut += 1  # do not leave two blank lines where there was one
    return "".join(lines[:start] + lines[cut:])


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _is_comment(line: str) -> bool:
    return line.strip().startswith("#")


def _is_comment_at(line: str, col: int) -> bool:
    return _is_comment(line) and _indent(line) <= col


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _error(display: str, message: str) -> ConfigError:
    return ConfigError(
        [Diagnostic(Location(display, 1, 1), message, "", "fix the file, then retry the command")]
    )
