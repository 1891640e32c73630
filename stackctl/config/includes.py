"""`include:` patterns -> files, confined to the project root.

A pattern is relative to the project root and may not leave it: absolute patterns and
`..` parts are refused before anything is walked, every match is resolved (symlinks
included) and must land inside the root, and a glob walks at most MAX_GLOB_FILES entries,
so `**` over a huge tree fails fast instead of hanging. `allow_outside:` in stackctl.yaml
lists the folders outside the root that may be read: the only way out.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path

#: Entries a glob may yield (files and folders) before the pattern is refused.
MAX_GLOB_FILES = 10_000
_MAGIC = frozenset("*?[")


class IncludeRefused(Exception):  # an internal signal: load.py words it at the pattern
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# A project checked through a mirror (catalog/files.py validates edits in a temporary
# folder of symlinks to the real project) also counts the real project as inside.
_MIRRORED: ContextVar[tuple[Path, ...]] = ContextVar("mirrored", default=())


@contextlib.contextmanager
def mirror_of(root: Path) -> Iterator[None]:
    """While active, files under ``root`` count as inside the project being loaded."""
    token = _MIRRORED.set((*_MIRRORED.get(), root.resolve()))
    try:
        yield
    finally:
        _MIRRORED.reset(token)


def allowed_roots(root: Path, allow_outside: Sequence[str]) -> list[Path]:
    """The project root and every `allow_outside` folder, resolved."""
    mirrored = list(_MIRRORED.get())
    return [root.resolve(), *mirrored] + [(root / p).resolve() for p in allow_outside]


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == r or path.is_relative_to(r) for r in roots)


def _static_prefix(pattern: str) -> str:
    parts = []
    for part in Path(pattern).parts:
        if any(c in part for c in _MAGIC):
            break
        parts.append(part)
    return str(Path(*parts)) if parts else ""


def expand(root: Path, pattern: str, roots: Sequence[Path]) -> list[Path]:
    """The files ``pattern`` matches, sorted (folders left out; a device or FIFO is
    kept so that the bounded read refuses it by name); IncludeRefused when it may not."""
    expanded = Path(pattern)  # no `~` expansion: glob never did it either
    escapes = expanded.is_absolute() or ".." in expanded.parts
    if escapes:
        base = (root / _static_prefix(str(expanded))).resolve()
        if not _inside(base, roots[1:]):
            raise IncludeRefused(
                f"include: {pattern!r} leaves the project root",
                "use a path relative to the project root, or list the folder under "
                "`allow_outside:` in stackctl.yaml",
            )
    full = str(root / expanded)
    matches = list(itertools.islice(glob.iglob(full, recursive=True), MAX_GLOB_FILES + 1))
    if len(matches) > MAX_GLOB_FILES:
        raise IncludeRefused(
            f"include: {pattern!r} matches more than {MAX_GLOB_FILES:,} entries",
            "narrow the pattern, e.g. `stacks/*.yaml` instead of `**`",
        )
    files = []
    for match in sorted(matches):
        path = Path(match)
        resolved = path.resolve()
        if not _inside(resolved, roots):
            shown = os.path.relpath(match, root)
            raise IncludeRefused(
                f"include: {shown!r} resolves to {str(resolved)!r}, outside the project root",
                "move the file into the project, or list its folder under "
                "`allow_outside:` in stackctl.yaml",
            )
        if not path.is_dir():
            files.append(path)
    return files
