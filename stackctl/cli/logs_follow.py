"""Rendering `stackctl runs logs RUN [STEP] --follow`: one step's log as it was
written, or every step's lines prefixed with ``step | `` (as `stackctl run` shows
them). Ctrl-C ends the follow, not a run: exit 130 without a message."""

from __future__ import annotations

import sys
from typing import Any

import typer


def follow_logs(state: Any, store: Any, run_id: str, step: str | None) -> None:
    from stackctl.runtime.logtail import Prefixer, follow

    out = sys.stdout
    prefixer = Prefixer()
    try:
        for name, data in follow(state, store, run_id, step):
            if step is not None:
                out.buffer.write(data)
            else:
                for line in prefixer.lines(name, data):
                    out.write(line + "\n")
            out.flush()
        for line in prefixer.rest():
            out.write(line + "\n")
        out.flush()
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except BrokenPipeError:  # `| head`: the reader is gone, so are we
        raise typer.Exit(0) from None
