"""What a step's ``module:function`` reference can be known to get wrong, without running it.

The module's source is parsed with ``ast``; user code is never imported (the module is
found by ``runtime/finder.py``, which does not import its parent packages either).

Anything this module cannot be sure of gives no finding (a false error blocks a correct
pipeline; a miss only fails later, as it always did): ``**kwargs``, decorators other than
``@step``, classes and other callables, re-exports, ``from x import *``, module-level
``__getattr__``, names bound in ``if``/``try`` blocks, modules without Python source.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from stackctl.frozen import frozen
from stackctl.runtime.finder import Missing, find_module

#: Names ``@step`` is imported as; the decorated function keeps its own signature.
STEP_DECORATORS = frozenset({"step", "stackctl.step", "stackctl.runtime.sdk.step"})
#: Calls that can bind module names invisibly.
_DYNAMIC = frozenset({"globals", "exec", "setattr", "vars", "locals", "__import__"})
#: Statements whose bodies bind names only sometimes.
_BLOCKS = (ast.If, ast.Try, ast.TryStar, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)


@frozen
class Finding:
    """One certain problem, at ``where`` inside the step: ("function",), ("inputs", NAME)
    or ("params", NAME); the caller turns it into a located diagnostic."""

    where: tuple[str, ...]
    message: str
    hint: str = ""


@frozen
class Signature:
    """What a call needs: argument names, required ones, whether **kwargs is open."""

    names: tuple[str, ...]
    required: tuple[str, ...]
    open_kwargs: bool


@dataclass
class ModuleInfo:
    """The top-level names of a parsed module (None for a name: exists, not checkable)."""

    names: dict[str, Signature | None] = field(default_factory=dict)
    complete: bool = True  # False: names may come from elsewhere (star import, __getattr__)
    syntax_error: str = ""


def check_step(
    function: str, inputs: Iterable[str], params: Iterable[str], root: Path
) -> list[Finding]:
    """The certain problems of a step calling ``function`` with these inputs and params."""
    module_name, _, qualname = function.partition(":")
    if not module_name or not qualname or module_name == "__main__":
        return []
    found = find_module(module_name, root)
    if isinstance(found, Missing):
        return [Finding(("function",), found.message, found.hint)]
    if found is None:
        return []
    info = parse_module(found)
    if info.syntax_error:
        return [
            Finding(
                ("function",),
                f"module {module_name!r} cannot be imported: {info.syntax_error}",
                "fix the syntax error",
            )
        ]
    head = qualname.split(".")[0]
    if head not in info.names:
        if not info.complete:
            return []
        choices = [n for n in info.names if not n.startswith("_")]
        listing = ", ".join(sorted(choices)[:10]) or "none"
        return [
            Finding(
                ("function",),
                f"module {module_name!r} has no function {head!r}",
                _closest(head, choices) or f"names defined in {module_name}: {listing}",
            )
        ]
    signature = info.names[head]
    if signature is None or "." in qualname:
        return []
    return _check_call(function, signature, list(inputs), list(params))


def _check_call(
    function: str, signature: Signature, inputs: list[str], params: list[str]
) -> list[Finding]:
    findings: list[Finding] = []
    names = signature.names
    arguments = ", ".join(names) or "none"
    for kind, given in (("inputs", inputs), ("params", params)):
        for name in given:
            if name in names or signature.open_kwargs:
                continue
            word = "input" if kind == "inputs" else "param"
            hint = _closest(name, names)
            findings.append(
                Finding(
                    (kind, name),
                    f"{word} {name!r} is not an argument of {function}",
                    f"{hint} (arguments: {arguments})" if hint else f"arguments: {arguments}",
                )
            )
    for name in signature.required:
        if name not in inputs and name not in params:
            findings.append(
                Finding(
                    ("function",),
                    f"argument {name!r} of {function} has no input, param or default",
                    f"add `{name}:` under the step's `inputs:` or `params:`",
                )
            )
    return findings


# -- reading the module --------------------------------------------------------------------

_parsed: dict[tuple[str, int, int], ModuleInfo] = {}


def parse_module(path: Path) -> ModuleInfo:
    """The module's top-level names, parsed once per file version in this process."""
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _parsed:
            _parsed[key] = module_info(path.read_bytes(), path.name)
    except OSError:
        return ModuleInfo(complete=False)
    return _parsed[key]


def module_info(source: bytes | str, filename: str = "<module>") -> ModuleInfo:
    """The names a module's source binds at top level, and what is known of each."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:
        return ModuleInfo(syntax_error=f"{filename}:{exc.lineno}:{exc.offset}: {exc.msg}")
    except (ValueError, RecursionError, MemoryError):  # NUL bytes, absurd nesting
        return ModuleInfo(complete=False)
    info = ModuleInfo()
    _bind(tree.body, info, certain=True)
    if "__getattr__" in info.names:
        info.complete = False
    return info


def _bind(body: list[ast.stmt], info: ModuleInfo, *, certain: bool) -> None:
    """Record the names ``body`` binds; names bound conditionally are never checked."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            known = certain and node.name not in info.names
            info.names[node.name] = _signature(node) if known else None
        elif isinstance(node, ast.ClassDef):
            info.names[node.name] = None
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    info.complete = False
                else:
                    info.names[alias.asname or alias.name.split(".")[0]] = None
        elif isinstance(node, _BLOCKS):
            for block in _blocks(node):
                _bind(block, info, certain=False)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                _bind(case.body, info, certain=False)
        else:
            for target in _targets(node):
                info.names[target] = None
            if _dynamic(node):
                info.complete = False


def _blocks(node: ast.stmt) -> list[list[ast.stmt]]:
    blocks: list[list[ast.stmt]] = [getattr(node, "body", [])]
    blocks.append(getattr(node, "orelse", []))
    blocks.append(getattr(node, "finalbody", []))
    blocks.extend(handler.body for handler in getattr(node, "handlers", []))
    return blocks


def _targets(node: ast.stmt) -> list[str]:
    """Names bound by an assignment-like statement (walrus and tuple targets included)."""
    names = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.append(sub.id)
    return names


def _dynamic(node: ast.stmt) -> bool:
    """Whether a statement may bind names we cannot see (globals()[...], exec, setattr)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in _DYNAMIC:
            return True
    return False


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Signature | None:
    """The call signature, or None when a decorator may have changed it."""
    if not all(is_step(d) for d in node.decorator_list):
        return None
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    with_default = len(args.defaults)
    required = [a.arg for a in positional[: len(positional) - with_default]]
    required += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    names = tuple(a.arg for a in (*positional, *args.kwonlyargs))
    return Signature(names, tuple(required), args.kwarg is not None)


def is_step(decorator: ast.expr) -> bool:
    """Whether ``decorator`` is ``@step`` or ``@step(...)`` under a name stackctl exports."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return dotted(target) in STEP_DECORATORS


def dotted(node: ast.expr) -> str:
    """``a.b.c`` for a name or attribute chain, else ``""``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


def _closest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else ""
