"""Canonical formatting of project files (`stackctl fmt`): a ruamel round trip.

The canonical form, chosen so reviews see content, not layout:

* keys in the order their JSON Schema lists them (project, state, include, vars;
  flavor, config, lifecycle; a stack's orchestrator, artifact_store, then the other
  component types in model order, lifecycle; a step's function, inputs, params,
  outputs, retries, cache, cache_version). Unknown keys follow, in their own order.
  Names chosen by the user (components, stacks, pipelines, steps, vars, config keys)
  keep their order: it is meaningful to readers (and to step listing);
* 2-space indentation; sequence items indented under their key (`  - item`);
* flow style (`{flavor: local}`) is kept where the user wrote it and the line fits in
  LINE_WIDTH characters; a longer flow collection becomes block style. Block style is
  never turned into flow;
* comments, quoting, anchors and the `# yaml-language-server` line are kept; a
  full-line comment is indented like the line below it, an end-of-line comment
  follows its value after one space.

Formatting never changes meaning: the result is parsed again and compared with the
input (as plain data) before it is returned.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from stackctl.config.comments import align_comments, comment_texts, tighten_comments
from stackctl.config.schema import load_schema
from stackctl.config.yaml import parse_document, to_plain
from stackctl.errors import ConfigError, Diagnostic, Location
from stackctl.frozen import frozen

LINE_WIDTH = 100
PROJECT_FILE = "stackctl.yaml"


def schema_for(path: Path, data: Any, schemas_dir: Path) -> Mapping[str, Any]:
    """The schema of a project, stack or pipeline file (by name, then by content)."""
    if path.name == PROJECT_FILE:
        name = "project.schema.json"
    elif isinstance(data, dict) and "pipelines" in data:
        name = "pipeline-file.schema.json"
    else:
        name = "stack-file.schema.json"
    return load_schema(schemas_dir / name)


#: ruamel.yaml moves some trailing comments (after a flow mapping inside a block
#: sequence) one step per round trip; a few passes reach the fixed point.
MAX_PASSES = 4


def format_text(raw: bytes, path: Path, display: str, schemas_dir: Path) -> str:
    """The canonical text of one file (ConfigError if it is not valid YAML).

    The result is checked before it is returned: it must parse to the same data and
    keep every comment, and formatting it again must not change it (fmt is idempotent).
    ruamel.yaml mishandles some comments next to empty values in sequences; such a file
    is refused with an error rather than damaged.
    """
    text = _format_once(raw, path, display, schemas_dir)
    for _ in range(MAX_PASSES - 1):
        again = _format_once(text.encode(), path, display, schemas_dir)
        if again == text:
            return text
        text = again
    raise _cannot_format(display)


def _cannot_format(display: str) -> ConfigError:
    return ConfigError(
        [
            Diagnostic(
                Location(display, 1, 1),
                "cannot format this file without changing its data or losing a comment",
                "",
                "a ruamel.yaml limitation with comments near empty values; move the "
                "comment onto its own line above the key, or format the file by hand",
            )
        ]
    )


def _format_once(raw: bytes, path: Path, display: str, schemas_dir: Path) -> str:
    doc = parse_document(raw, path, display, preserve_quotes=True)
    schema = schema_for(path, doc.data, schemas_dir)
    before = to_plain(doc.data)
    comments = comment_texts(doc.text)
    _reorder(doc.data, schema, schema)
    _unflow(doc.data, 0)
    tighten_comments(doc.data)
    _exact_floats(doc.data)
    text = _dump(doc.data, explicit_start=doc.text.lstrip().startswith("---"))
    aligned = align_comments(text)
    if _same(aligned, path, before, comments):
        return aligned
    if _same(text, path, before, comments):
        return text  # a `#` line was content (e.g. in a block scalar): keep the layout
    raise _cannot_format(display)


def _same(text: str, path: Path, plain: Any, comments: list[str]) -> bool:
    """Whether ``text`` holds the same data and the same comments."""
    try:
        doc = parse_document(text.encode(), path, str(path))
    except ConfigError:
        return False
    return bool(to_plain(doc.data) == plain) and comment_texts(text) == comments


def _deref(schema: Any, root: Mapping[str, Any]) -> Any:
    """Follow local `$ref`s (`#/$defs/x`) as far as they go."""
    seen = 0
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < 20:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema, seen = target, seen + 1
    return schema


def _reorder(node: Any, schema: Any, root: Mapping[str, Any]) -> None:
    schema = _deref(schema, root)
    if not isinstance(schema, dict):
        return
    if isinstance(node, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        if not getattr(node, "merge", None):  # `<<: *x` mappings are left as written
            order = [k for k in props if k in node] + [k for k in node if k not in props]
            if order != list(node):
                for key in order:
                    node.move_to_end(key)  # type: ignore[attr-defined]  # a ruamel CommentedMap
        for key, value in node.items():
            child = props.get(key) if key in props else extra
            _reorder(value, child, root)
    elif isinstance(node, list):
        for item in node:
            _reorder(item, schema.get("items"), root)


def _exact_floats(node: Any) -> None:
    """Replace floats ruamel would print inexactly (6.529254810032538e+16 loses a digit).

    ruamel re-renders a float from its remembered layout; when that is lossy the value
    is written as Python's shortest exact repr instead.
    """
    from ruamel.yaml.scalarfloat import ScalarFloat

    items: Any = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in list(items):
        if isinstance(value, ScalarFloat):
            text = _dump([value]).strip().removeprefix("- ")
            try:
                same = float(text) == float(value)
            except ValueError:
                same = True  # .inf / .nan spellings
            if not same:
                node[key] = float(value)
        elif isinstance(value, dict | list):
            _exact_floats(value)


def _is_flow(node: Any) -> bool:
    fa = getattr(node, "fa", None)
    return bool(fa is not None and fa.flow_style())


def _unflow(node: Any, indent: int) -> None:
    """Turn flow collections whose line would exceed LINE_WIDTH into block style.

    ``indent`` is the column of ``node``'s own keys/items in the canonical layout, so
    the decision depends on the structure only and a second pass decides the same.
    """
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict | list):
                _check(value, indent + len(str(key)) + 2, indent + 2)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, dict | list):
                _check(item, indent + 4, indent + 4)


def _check(node: Any, column: int, child_indent: int) -> None:
    if _is_flow(node):
        if column + len(_flow_text(node)) <= LINE_WIDTH:
            return
        node.fa.set_block_style()
    _unflow(node, child_indent)


def _flow_text(node: Any) -> str:
    return _dump(node).strip()


@cache
def _representer() -> Any:
    """ruamel's round-trip representer, but null is spelled `null` (not an empty value).

    A subclass, because add_representer on ruamel's own class would change every dump
    in the process.
    """
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):  # type: ignore[misc]
        pass

    Representer.add_representer(
        type(None), lambda rep, _v: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return Representer


def _dump(data: Any, explicit_start: bool = False) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096  # never re-wrap long lines: a wrapped line is a diff nobody asked for
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.explicit_start = explicit_start
    yaml.Representer = _representer()
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


@frozen
class Formatted:
    """One file's text before and after formatting."""

    path: Path
    display: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """A unified diff from the current text to the canonical one."""
        import difflib

        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                f"a/{self.display}",
                f"b/{self.display}",
            )
        )

    def write(self) -> None:
        """Replace the file atomically (a reader never sees half a file)."""
        tmp = self.path.with_name(f".{self.path.name}.stackctl-fmt")
        tmp.write_text(self.after, encoding="utf-8")
        tmp.replace(self.path)


def format_files(
    paths: list[Path], root: Path, schemas_dir: Path
) -> tuple[list[Formatted], list[Diagnostic]]:
    """Format every file in memory; files that are not valid YAML become diagnostics."""
    results: list[Formatted] = []
    problems: list[Diagnostic] = []
    for path in paths:
        display = _display(path, root)
        try:
            raw = path.read_bytes()
            after = format_text(raw, path, display, schemas_dir)
        except ConfigError as exc:
            problems.extend(exc.diagnostics)
            continue
        except OSError as exc:
            problems.append(
                Diagnostic(Location(display), f"cannot read file: {exc.strerror}", "", "")
            )
            continue
        results.append(Formatted(path, display, raw.decode("utf-8").removeprefix("\ufeff"), after))
    return results, problems


def project_files(root: Path) -> list[Path]:
    """stackctl.yaml and every file its `include` globs match (YAML-level only)."""
    import glob

    project = root / PROJECT_FILE
    include: Any = ["stacks/*.yaml", "pipelines/*.yaml"]
    try:
        data = to_plain(parse_document(project.read_bytes(), project, PROJECT_FILE).data)
        if isinstance(data, dict) and isinstance(data.get("include"), list):
            include = [p for p in data["include"] if isinstance(p, str)]
    except (ConfigError, OSError):
        pass  # formatting reports the project file's own problem
    files = [project]
    for pattern in include:
        for match in sorted(glob.glob(str(root / pattern), recursive=True)):
            path = Path(match)
            if path.is_file() and path not in files:
                files.append(path)
    return files


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
