"""Start-up objects leave the cyclic garbage collector (``gc.freeze``).

A run loads ~190 modules: their functions, classes and constants are ~100k objects that
live until the process exits. While they are young, the collector walks all of them
again at each full collection, and the interpreter's exit walks them once more: on the
100-step cached re-run that was ~6% of the whole process (callgrind: 487 -> 457 M
instructions; bench/README.md). ``gc.freeze()`` moves every object alive now to a
generation the collector never scans, which is what CPython's documentation suggests for
long-lived start-up state. Reference counting still frees them; only a reference cycle
among objects that were alive at the freeze would stay in memory.

So the freeze is made where what is alive is start-up state: once per process, after
stackctl's imports (``from stackctl import step``, the first pipeline call, the CLI),
and never where a user keeps working data alive between calls: an interactive
interpreter, IPython or Jupyter. ``STACKCTL_GC_FREEZE=0`` turns it off.
"""

from __future__ import annotations

import os
import sys

_ENV = "STACKCTL_GC_FREEZE"
_done: set[str] = set()  # the places that froze already (each once per process)


def freeze_startup(where: str) -> bool:
    """Freeze the objects alive now, once per ``where``; whether it froze."""
    if where in _done or not _allowed():
        return False
    import gc

    _done.add(where)
    gc.freeze()
    return True


def _allowed() -> bool:
    if os.environ.get(_ENV, "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    # a REPL, `python -i`, IPython and Jupyter keep the user's data between calls
    interactive = hasattr(sys, "ps1") or sys.flags.interactive
    return not interactive and "IPython" not in sys.modules
