"""Finding a module's source file as `import` would, without importing anything.

The run imports step modules with the project root first on ``sys.path``; this looks in
the same places with ``importlib.machinery.PathFinder``, which only reads directories:
finding ``a.b.c`` never executes ``a/__init__.py`` (``importlib.util.find_spec`` would).
Only a top-level name goes through ``importlib.util.find_spec``, which imports nothing
for it, so builtins and meta-path (editable) installs are found too.
"""

from __future__ import annotations

import difflib
import importlib.util
import sys
from collections.abc import Iterable
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path

from stackctl.frozen import frozen


@frozen
class Missing:
    """The module certainly cannot be imported."""

    message: str
    hint: str


def find_module(name: str, root: Path) -> Path | Missing | None:
    """The source file of module ``name``, Missing, or None (exists without source, or
    not knowable without running code)."""
    parts = name.split(".")
    search = [str(root), *(p for p in sys.path if p != str(root))]
    spec = _find(parts[0], search)
    if spec is None:
        try:  # a top-level name imports nothing; finds builtins and meta-path installs
            spec = importlib.util.find_spec(parts[0])
        except (ImportError, ValueError):
            return None
    if spec is None:
        return Missing(
            f"module {parts[0]!r} is not in the project or installed",
            _closest_module("", parts[0], _entries([str(root)]))
            or f"create {parts[0]}.py in the project, or install the package",
        )
    for index in range(1, len(parts)):
        locations = spec.submodule_search_locations
        if locations is None:  # a plain module: `os.path`-style attributes need a run
            return None
        folders = [str(p) for p in locations]
        fullname = ".".join(parts[: index + 1])
        sub = _find(fullname, folders)
        if sub is None:
            if not folders or not all(Path(f).is_dir() for f in folders):
                return None  # not a plain folder (zip, custom loader): cannot tell
            parent = ".".join(parts[:index])
            return Missing(
                f"module {fullname!r} not found: package {parent!r} has no module {parts[index]!r}",
                _closest_module(parent, parts[index], _entries(folders))
                or f"modules in {parent}: {', '.join(sorted(_entries(folders))[:10]) or 'none'}",
            )
        spec = sub
    origin = spec.origin
    if origin and origin.endswith(".py") and Path(origin).is_file():
        return Path(origin)
    return None


def _find(name: str, path: list[str]) -> ModuleSpec | None:
    try:
        return PathFinder.find_spec(name, path)
    except (ImportError, ValueError, OSError):
        return None


def _entries(folders: Iterable[str]) -> list[str]:
    """Module and package names directly inside ``folders``."""
    names: set[str] = set()
    for folder in folders:
        try:
            entries = [p.name for p in Path(folder).iterdir()]
        except OSError:
            continue
        for entry in entries:
            stem, dot, ext = entry.partition(".")
            if stem.isidentifier() and (ext == "py" or not dot):
                names.add(stem)
    return sorted(names)


def _closest_module(parent: str, word: str, names: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(names), n=1, cutoff=0.6)
    if not match:
        return ""
    return f"did you mean {f'{parent}.{match[0]}' if parent else match[0]!r}?"
