"""The source text of a step's function and of the project code it uses, for its cache
key, without tokenizing.

``inspect.getsource`` finds where a definition ends by running the tokenizer over its
lines, and the tokenizer's first use in a process compiles a large regular expression:
1.6 ms, paid by the first step of every run (a cache hit of 3 ms took 4.6). The end is
known without it. A function's code object knows the last line any of its instructions
(or those of the functions, classes and comprehensions nested in it) comes from; a
class's end is its ``ast`` node's ``end_lineno`` (``inspect`` parses the file to find a
class's start anyway). The text from the first decorator to that line is what the
definition does; what this leaves out is what cannot change it: comments and blank
lines after the last statement, dead code after a final ``return``, and the docstring of
a function whose body is only that.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import types
from typing import Any

# the nodes a class statement can be inside of
_HOLDS_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def source_text(obj: Any) -> str:
    """The text of ``obj``'s definition; ``inspect.getsource`` where its file is not at
    hand (a REPL, ``exec``), with the ``OSError``/``TypeError`` that raises."""
    if hasattr(obj, "__wrapped__"):  # functools.wraps: the text is the wrapped function's
        obj = inspect.unwrap(obj)
    if isinstance(obj, types.FunctionType):
        lines = _lines(obj.__code__.co_filename, obj.__globals__)
        first = obj.__code__.co_firstlineno - 1  # the first decorator's line, or the def's
        last = _last_line(obj.__code__)
        if lines and 0 <= first < last <= len(lines):
            return "".join(lines[first:last])
    elif isinstance(obj, type):
        span = _class_span(obj)
        if span is not None:
            lines, first, last = span
            return "".join(lines[first:last])
    return inspect.getsource(obj)


def _lines(filename: str, namespace: dict[str, Any] | None = None) -> list[str]:
    linecache.checkcache(filename)  # as inspect does: a file edited since is read again
    return linecache.getlines(filename, namespace)


def _last_line(code: types.CodeType) -> int:
    last = 0
    todo = [code]
    while todo:
        current = todo.pop()
        for _, end, _, _ in current.co_positions():
            if end is not None and end > last:
                last = end
        todo.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return last


def _class_span(cls: type) -> tuple[list[str], int, int] | None:
    """The lines of ``cls``'s file and where its definition starts and ends (0-based,
    end exclusive), found as ``inspect`` finds a class: by its qualified name."""
    try:
        filename = inspect.getsourcefile(cls)
    except TypeError:  # a built-in class
        return None
    if filename is None:
        return None
    lines = _lines(filename)
    if not lines:
        return None
    tree = _tree(filename, lines)
    if tree is None:
        return None
    found = _find_class(tree, "", cls.__qualname__)
    if found is None or found.end_lineno is None:
        return None
    first = (found.decorator_list[0].lineno if found.decorator_list else found.lineno) - 1
    return lines, first, found.end_lineno


# filename -> (the lines linecache gave, their tree): a step module's classes (a
# NamedTuple of outputs, a config class) parse their file once, not once each.
# linecache hands out a new list when the file changed, so the identity is the check.
_TREES: dict[str, tuple[list[str], ast.Module | None]] = {}


def _tree(filename: str, lines: list[str]) -> ast.Module | None:
    known = _TREES.get(filename)
    if known is not None and known[0] is lines:
        return known[1]
    try:
        tree: ast.Module | None = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        tree = None
    _TREES[filename] = (lines, tree)
    return tree


def _find_class(node: ast.AST, prefix: str, qualname: str) -> ast.ClassDef | None:
    """The first class named ``qualname`` in document order, as ``inspect`` finds it."""
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, _HOLDS_STATEMENTS):
            continue  # an expression cannot define a class
        inner = prefix
        if isinstance(child, ast.ClassDef):
            if prefix + child.name == qualname:
                return child
            inner = f"{prefix}{child.name}."
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = f"{prefix}{child.name}.<locals>."
        found = _find_class(child, inner, qualname)
        if found is not None:
            return found
    return None
