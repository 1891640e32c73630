"""Turn results into human text (rich) or JSON. Commands never format output themselves."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

_consoles: dict[bool, Console] = {}


def console(stderr: bool = False) -> Console:
    """A rich Console, created on first use (rich costs ~30 ms to import)."""
    if stderr not in _consoles:
        from rich.console import Console

        _consoles[stderr] = Console(stderr=stderr, highlight=False, soft_wrap=True)
    return _consoles[stderr]


def out(text: str = "") -> None:
    """Plain text to stdout (no markup interpretation)."""
    sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))


def err(text: str) -> None:
    sys.stderr.write(text + ("\n" if not text.endswith("\n") else ""))


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A rich table on a TTY, tab-free aligned text otherwise (stable for scripts/tests)."""
    rows = [[("" if c is None else str(c)) for c in row] for row in rows]
    if sys.stdout.isatty():
        from rich.table import Table

        t = Table(title=title, show_lines=False)
        for c in columns:
            t.add_column(c)
        for row in rows:
            t.add_row(*row)
        console().print(t)
        return
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    if title:
        out(title)
    out("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in rows:
        out("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def dump_yaml(data: Any) -> str:
    """YAML text for `--output yaml`."""
    from stackctl.config.yaml import dump_plain

    return dump_plain(json.loads(json.dumps(data, default=str)))


def ran_on(where: Any) -> str:
    """``ray 127.0.0.1 pid 1234`` from a step's ``ran_on`` record (runs show)."""
    if not isinstance(where, dict):
        return str(where)
    return f"{where.get('executor', '?')} {where.get('address', '?')} pid {where.get('pid', '?')}"
