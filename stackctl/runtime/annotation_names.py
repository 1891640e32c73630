"""Artifact names in ``@step`` return annotations, checked without importing the module.

``Annotated[T, "name"]`` and ``Annotated[T, ArtifactConfig("name", tags=[...])]`` (alone
or in a ``tuple[...]``) publish named artifacts; a bad name fails when the module is
imported, as one error with no position. Before a ``source: MODULE:FUNCTION`` pipeline
is imported, its module and the project modules it imports steps from are parsed with
``ast`` and every bad name or tag is reported at ``file:line:col`` with the rule (the
same ``naming.name_problem`` / ``tag_problem`` the SDK applies). Only literal strings
are checked: a name computed at run time is the SDK's to check.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from stackctl.errors import Diagnostic, Location
from stackctl.runtime.finder import find_module
from stackctl.runtime.naming import name_problem, tag_problem
from stackctl.runtime.signatures import dotted, is_step

_ANNOTATED = frozenset({"Annotated", "typing.Annotated", "typing_extensions.Annotated"})
_CONFIG = frozenset({"ArtifactConfig", "stackctl.ArtifactConfig"})
_HINT = "fix the Annotated[...] return type of the step"


def check_source(module: str, root: Path) -> list[Diagnostic]:
    """Problems of the artifact names in ``module`` and the project modules it imports
    from (one level: where its steps usually live), each located in its file."""
    first = find_module(module, root)
    if not isinstance(first, Path):
        return []
    found: list[Diagnostic] = []
    tree = _parse(first)
    paths = [first]
    for node in tree.body if tree else []:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            other = find_module(node.module, root)
            if isinstance(other, Path) and _inside(other, root) and other not in paths:
                paths.append(other)
    for path in paths:
        parsed = tree if path == first else _parse(path)
        if parsed is not None:
            found.extend(_check_tree(parsed, _display(path, root)))
    return found


def _check_tree(tree: ast.Module, filename: str) -> Iterator[Diagnostic]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.returns is None:
            continue
        if any(is_step(d) for d in node.decorator_list):
            for at, problem in _problems(node.returns):
                yield Diagnostic(
                    Location(filename, at.lineno, at.col_offset + 1),
                    f"step {node.name!r}: {problem}",
                    hint=_HINT,
                )


def _problems(returns: ast.expr) -> Iterator[tuple[ast.expr, str]]:
    parts = [returns]
    if isinstance(returns, ast.Subscript) and dotted(returns.value) in ("tuple", "typing.Tuple"):
        inner = returns.slice
        parts = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
    for part in parts:
        if not (isinstance(part, ast.Subscript) and dotted(part.value) in _ANNOTATED):
            continue
        extras = part.slice.elts[1:] if isinstance(part.slice, ast.Tuple) else []
        for extra in extras:
            yield from _extra(extra)


def _extra(extra: ast.expr) -> Iterator[tuple[ast.expr, str]]:
    if isinstance(extra, ast.Constant) and isinstance(extra.value, str):
        if problem := name_problem(extra.value):
            yield extra, problem
        return
    if not (isinstance(extra, ast.Call) and dotted(extra.func) in _CONFIG):
        return
    name = extra.args[0] if extra.args else None
    for keyword in extra.keywords:
        if keyword.arg == "name":
            name = keyword.value
    if isinstance(name, ast.Constant) and (problem := name_problem(str(name.value))):
        yield name, problem
    for keyword in extra.keywords:
        if keyword.arg == "tags" and isinstance(keyword.value, ast.List | ast.Tuple):
            for tag in keyword.value.elts:
                if isinstance(tag, ast.Constant) and (problem := tag_problem(str(tag.value))):
                    yield tag, problem


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_bytes(), str(path))
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None  # the import reports it, with its own position


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
