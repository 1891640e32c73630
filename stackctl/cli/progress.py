"""Live step progress for `stackctl run`: a rich table on a TTY, log lines otherwise."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from stackctl.model import RunStatus, StepRun, cache_source

_STYLE = {
    "completed": "green",
    "cached": "cyan",
    "failed": "red",
    "skipped": "yellow",
    "running": "bold",
    "cancelled": "magenta",
}


_PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "bright_red")


def _colour(step: str) -> str:
    """A colour per step, the same one in every run (a stable hash, not hash())."""
    return _PALETTE[sum(step.encode()) % len(_PALETTE)]


class StepProgress:
    """Shows each step's state as the run loop reports it (stderr, never stdout)."""

    def __init__(self, pipeline: str, stack: str, *, quiet: bool = False) -> None:
        self.pipeline = pipeline
        self.stack = stack
        self.quiet = quiet
        self.steps: dict[str, StepRun] = {}
        self.live: Any = None

    def __enter__(self) -> StepProgress:
        if not self.quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.live import Live

            # Pinned to the terminal's stream as it is now: while a step runs in-process,
            # sys.stderr is the step's capture router, and a console that looks sys.stderr
            # up on each write would print step lines into the step's own log.
            terminal = Console(file=sys.stderr, highlight=False, soft_wrap=True)
            self.live = Live(self._table(), console=terminal, refresh_per_second=8)
            self.live.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.live is not None:
            self.live.update(self._table())
            # A run that ended without an error prints its summary (every step again, with
            # its outputs) on stdout: on the same terminal the live table gives way to it,
            # so a run does not end with two tables of the same steps. Kept when the run
            # failed (no summary follows) or when stdout goes to a file or a pipe.
            self.live.transient = kind is None and sys.stdout.isatty()
            self.live.__exit__(kind, exc, tb)

    def update(self, step: StepRun) -> None:
        self.steps[step.step] = step
        if self.quiet:
            return
        if self.live is not None:
            self.live.update(self._table())
            return
        if step.status == RunStatus.PENDING:
            return
        took = (
            f" in {step.duration_s:.2f}s"
            if step.duration_s is not None and step.status != RunStatus.RUNNING
            else ""
        )
        source = cache_source(step.run_id, step.step, step.cached_from)
        note = f" (from {source})" if source else ""
        error = f": {step.error}" if step.error else ""
        sys.stderr.write(
            f"[run {step.run_id[:8]} | stack {self.stack} | step {step.step}] "
            f"{step.status.value}{took}{note}{error}\n"
        )

    def line(self, step: str, text: str) -> None:
        """One line a step printed or logged: ``step | line`` (coloured on a TTY)."""
        if self.live is not None:
            from rich.text import Text

            prefix = Text(f"{step} | ", style=_colour(step))
            self.live.console.print(prefix + Text(text), soft_wrap=True, highlight=False)
            return
        sys.stderr.write(f"{step} | {text}\n")
        sys.stderr.flush()

    def _table(self) -> Any:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=f"pipeline {self.pipeline} on stack {self.stack}", expand=False)
        for column in ("step", "status", "duration", "note"):
            table.add_column(column)
        for step in self.steps.values():
            style = _STYLE.get(step.status.value, "")
            duration = f"{step.duration_s:.2f}s" if step.duration_s is not None else ""
            source = cache_source(step.run_id, step.step, step.cached_from)
            note = step.error or (f"cached from {source}" if source else "")
            # no style (e.g. `pending`): "[]pending[/]" is a markup error, which rich
            # raises at the next print above the table, dropping that step line
            status = f"[{style}]{step.status.value}[/]" if style else step.status.value
            table.add_row(step.step, status, duration, Text(note))  # an error is not markup
        return table
