"""Instruction counts of whole processes (valgrind's callgrind): the figure that stays
put on a machine whose speed does not.

Wall and CPU seconds here moved by up to 4x within minutes (the plain-Python floor of
one run read 0.035 s, of another 0.163 s, on a quiet machine), so a target in seconds
is judged by a run; the count of user-space instructions the process executed is the
same on a busy or a quiet machine (to within a fraction of a percent), so it is what
says whether a change made the code faster. callgrind runs a program ~50x slower.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

_COLLECTED = re.compile(r"Collected : (\d+)")


def available() -> bool:
    return shutil.which("valgrind") is not None


def count(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> float:
    """Millions of instructions ``argv`` executed (its children not followed)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={os.devnull}", *argv],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
    )
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(
            f"callgrind {' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}"
        )
    return int(found.group(1)) / 1e6
