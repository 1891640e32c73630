"""Bounded reads: every file stackctl reads from a user is read through ``read_capped``.

The size a file reports is not a bound: ``/dev/zero``, a FIFO or a ``/proc`` file say
0 bytes and never end. So the file is opened without blocking, refused unless it is a
regular file, and read with a byte cap (one byte more than the limit, to tell "too big"
from "exactly the limit"), so memory stays bounded whatever the path points at.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from stackctl.errors import StackctlError

#: Project files, var files and secrets.yaml (plan files pass their own limit).
MAX_FILE_BYTES = 1024 * 1024


class FileRefused(StackctlError):
    """A file that must not be read: not a regular file, too big, or unreadable."""

    def __init__(self, display: str, message: str, hint: str) -> None:
        self.display = display
        self.reason = message
        super().__init__(f"{display}: {message}", hint=hint)


def read_capped(path: Path, display: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, at most ``limit`` of them; FileRefused otherwise."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang before the type check.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileRefused(
            display,
            f"cannot read file: {exc.strerror or exc}",
            "check the path and its permissions",
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(
                display,
                f"not a regular file ({file_kind(info.st_mode)})",
                "point at a regular file; devices, FIFOs and directories are never read",
            )
        if info.st_size > limit:
            raise too_big(display, info.st_size, limit)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise FileRefused(
            display,
            f"cannot read file: {exc.strerror or exc}",
            "check the path and its permissions",
        ) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # grew while we read it, or lied about its size (/proc)
        raise too_big(display, len(data), limit, at_least=True)
    return data


def too_big(display: str, size: int, limit: int, *, at_least: bool = False) -> FileRefused:
    more = "over " if at_least else ""
    return FileRefused(
        display,
        f"file is {more}{size - (1 if at_least else 0):,} bytes; the limit is {limit:,}",
        "split it into several files, or remove generated content",
    )


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words (for "not a regular file" messages)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
