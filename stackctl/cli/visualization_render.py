"""An artifact's visualizations in the terminal: CSV as a table, markdown rendered by
rich, HTML and images named with where to see them (a terminal cannot show them)."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from typing import Any

from stackctl.cli import render
from stackctl.runtime.artifact_info import ShownVisualization
from stackctl.runtime.visualizations import table
from stackctl.types import CSV, HTML, MARKDOWN, PNG

_INDENT = "    "


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    raise AssertionError("unreachable")


def visualization_json(shown: ShownVisualization) -> dict[str, Any]:
    r = shown.record
    return {
        "name": r.name,
        "title": r.title,
        "media_type": r.media_type,
        "uri": r.uri,
        "digest": r.digest,
        "size": r.size,
    }


def print_visualizations(views: Sequence[ShownVisualization], page: str) -> None:
    """``page``: the dashboard path of the artifact, for the kinds shown only there."""
    if not views:
        return
    render.out("visualizations")
    for shown in views:
        r = shown.record
        render.out(f"  {r.name}: {r.title or r.name} ({r.media_type}, {_size(r.size)})")
        where = f"view it with `stackctl dashboard` at {page}"
        if shown.error:
            render.out(f"{_INDENT}({shown.error})")
        elif r.media_type == HTML:
            render.out(f"{_INDENT}HTML, not shown in a terminal: {where}")
        elif r.media_type == PNG:
            render.out(f"{_INDENT}a PNG image: {where}, or open {r.uri}")
        elif r.media_type == CSV and shown.text:
            _table(shown.text)
        elif r.media_type == MARKDOWN and shown.text:
            _markdown(shown.text)


def _table(text: str) -> None:
    found = table(text.encode())
    if sys.stdout.isatty():
        from rich.padding import Padding
        from rich.table import Table

        drawn = Table(*found.header)
        for row in found.rows:
            drawn.add_row(*row)
        render.console().print(Padding(drawn, (0, 0, 0, len(_INDENT))))
    else:  # aligned text: stable for scripts and tests
        rows = [found.header, *found.rows]
        columns = max(len(row) for row in rows)
        rows = [row + [""] * (columns - len(row)) for row in rows]
        widths = [max(len(row[i]) for row in rows) for i in range(columns)]
        for row in rows:
            render.out(
                _INDENT + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            )
    if found.cut:
        render.out(f"{_INDENT}... (first {len(found.rows)} rows)")


def _markdown(text: str) -> None:
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.padding import Padding

    # rich shows the markdown's raw HTML as nothing: no markup reaches the terminal
    drawn = Padding(Markdown(text), (0, 0, 0, len(_INDENT)))
    if sys.stdout.isatty():
        render.console().print(drawn)
        return
    plain = Console(file=io.StringIO(), width=100, color_system=None, highlight=False)
    plain.print(drawn)
    for line in plain.file.getvalue().splitlines():  # type: ignore[attr-defined]
        render.out(line.rstrip())
