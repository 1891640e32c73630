"""A short, bounded description of a step output for the end-of-run summary.

Scalars and short strings inline; a DataFrame its shape and columns; an ndarray its
shape and dtype; anything else its type. Never calls ``repr`` on arbitrary objects
(slow or huge for big ones, and a repr may embed a secret a client object holds).
"""

from __future__ import annotations

from typing import Any

_WIDTH = 60


def preview(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float | complex):
        return _short(_float(value) if isinstance(value, float) else str(value))
    if isinstance(value, str):
        return _short(repr(value))
    if isinstance(value, bytes):
        return f"bytes[{len(value)}]"
    kind = type(value)
    # by class name and module root (pandas moved DataFrame's __module__ between
    # versions), never importing pandas or numpy just to look
    name = f"{kind.__module__.split('.')[0]}.{kind.__qualname__}"
    if name == "pandas.DataFrame":
        rows, cols = value.shape
        columns = ", ".join(str(c) for c in list(value.columns)[:6])
        more = ", ..." if cols > 6 else ""
        return _short(f"DataFrame {rows}x{cols} [{columns}{more}]")
    if name == "pandas.Series":
        return f"Series {len(value)} {value.dtype}"
    if name == "numpy.ndarray":
        return f"ndarray {'x'.join(str(n) for n in value.shape)} {value.dtype}"
    if isinstance(value, list | tuple | dict | set):
        return f"{kind.__name__}[{len(value)}]"
    return kind.__name__


def recorded_preview(value: Any) -> str:
    """The preview the worker records with an output ("" if computing it failed: a
    broken ``shape`` property must not fail the step)."""
    try:
        return preview(value)
    except Exception:
        return ""


def shown_preview(preview_text: str, type_name: str) -> str:
    """What a reader shows for an output: its recorded preview, or (runs from before
    previews were recorded) its type. Readers never load an artifact to preview it:
    slow for big ones, and unpickling in the CLI would run the artifact's code."""
    return preview_text or type_name.rsplit(".", 1)[-1]


def _float(value: float) -> str:
    """Four significant digits; a whole float keeps its point (``2.0``: a bare ``2``
    reads as an int, and a mean or a score is a float)."""
    text = f"{value:.4g}"
    return f"{text}.0" if text.lstrip("-").isdigit() else text


def _short(text: str) -> str:
    return text if len(text) <= _WIDTH else text[: _WIDTH - 3] + "..."
