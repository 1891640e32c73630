"""The end of a failed step's traceback, as the terminal shows it while the run goes.

The log keeps the whole traceback; the terminal gets its last frames of *user* code
and the exception: stackctl's own frames (the executor calling the step) say nothing
to the user, and Python's ``^^^^`` markers (whose form changes between versions) are
dropped, so the lines are the same on every supported Python.
"""

from __future__ import annotations

import traceback
from pathlib import Path

# this file is stackctl/runtime/tracebacks.py: two folders up is the package
_PACKAGE = str(Path(__file__).resolve().parents[1])
TAIL = 6  # lines: the raising frame or two, and the exception


def tail(exc: BaseException, lines: int = TAIL) -> list[str]:
    """The last ``lines`` lines of ``exc``'s traceback, stackctl frames left out."""
    shown = traceback.TracebackException.from_exception(exc)
    shown.stack = traceback.StackSummary.from_list(
        [f for f in shown.stack if not str(Path(f.filename).resolve()).startswith(_PACKAGE)]
    )
    text = "".join(shown.format())
    kept = [
        line
        for line in text.rstrip("\n").splitlines()
        if line.strip()
        and set(line.strip()) - set("^~")
        # the header would read as a traceback dump; the frames say where it broke
        and not line.startswith("Traceback (most recent call last)")
    ]
    return kept[-lines:]
