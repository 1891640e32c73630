"""Writing a file the user named (``plan --out``, ``artifacts get -o``) without clobbering.

The write is atomic (temp file + rename), and a rename replaces whatever is at the
path: a device node, the project's own stackctl.yaml. So before writing, the path is
checked: something that exists and is not a regular file (device, FIFO, socket,
folder) is always refused, and an existing regular file is replaced only when
``may_replace`` says so (a previous plan file, or ``--force``). An empty file holds
nothing to lose (``mktemp`` makes one) and is always replaceable.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from stackctl.errors import StackctlError
from stackctl.files import file_kind

#: Paths that mean "standard output" rather than a file to replace.
STDOUT_NAMES = frozenset({"-", "/dev/stdout"})


def is_stdout(path: Path | str) -> bool:
    return str(path) in STDOUT_NAMES


def check_writable(
    path: Path, *, may_replace: Callable[[Path], bool], refuse: str, hint: str, what: str = ""
) -> None:
    """Raise StackctlError unless writing ``path`` would create it or replace a file
    ``may_replace`` accepts; ``refuse`` says why a regular file is kept, ``what`` names
    the file in messages ("plan file")."""
    what = f"{what} " if what else ""
    if not path.name:  # `--out .` or `--out ''`
        raise StackctlError(f"cannot write {what}{path}: it names a folder, not a file", hint=hint)
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StackctlError(f"cannot write {what}{path}: {exc.strerror}", hint=hint) from None
    if not stat.S_ISREG(st.st_mode):
        raise StackctlError(
            f"cannot write {what}{path}: it is {file_kind(st.st_mode)}, not a file to replace",
            hint=hint,
        )
    if st.st_size and not may_replace(path):
        raise StackctlError(f"refusing to replace {path}: {refuse}", hint=hint)


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file next to ``path`` + rename (a crash never leaves half a file); OSError
    propagates for the caller to word."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
