"""Geometry of a line chart for the server-side SVG (templates/_chart.html draws it).

No JavaScript library and no CDN: the page is complete as served. Only numbers and
text come out of here; jinja escapes the text, and characters XML cannot hold at all
(C0 controls, lone surrogates) are replaced first, because a logged key or run id is
user data and the SVG must stay well-formed whatever it holds.
"""

from __future__ import annotations

import math
import re
from typing import Any

from stackctl.dashboard.runs import run_url
from stackctl.runtime.series import Series

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 18, 56
Y_TICKS = 5
INSET = 14  # points keep clear of the axes
MAX_X_LABELS = 10
_NOT_XML = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def number_text(value: float) -> str:
    """A tick or tooltip number: short, but never a misleading round-off to zero."""
    return f"{value:.6g}"


def _scale(lo: float, hi: float) -> tuple[float, float]:
    """The y range: the values' own, widened when they are all equal. Halves keep every
    difference finite, even between -1e308 and 1e308."""
    if lo == hi:
        pad = abs(lo) / 10 or 1.0
        low, high = lo - pad, hi + pad
        # next to the largest floats one side overflows: keep that side at the value
        return (low if math.isfinite(low) else lo), (high if math.isfinite(high) else hi)
    return lo, hi


def drawing(series: Series) -> dict[str, Any]:
    """Axes, ticks, the line and one point per run (with a tooltip and a link)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [p.value for p in series.points]
    lo, hi = _scale(min(values, default=0.0), max(values, default=1.0))
    half_span = hi / 2 - lo / 2

    def y_of(value: float) -> float:
        inner = plot_h - 2 * INSET
        return round(TOP + INSET + inner - inner * ((value / 2 - lo / 2) / half_span), 2)

    count = len(series.points)

    def x_of(index: int) -> float:
        if count == 1:
            return LEFT + plot_w / 2
        return round(LEFT + INSET + (plot_w - 2 * INSET) * index / (count - 1), 2)

    points = [
        {
            "x": x_of(i),
            "y": y_of(p.value),
            "run_id": xml_text(p.run_id),
            "label": xml_text(p.label),
            "value": number_text(p.value),
            "at": xml_text(p.at),
            "url": run_url(p.run_id),
        }
        for i, p in enumerate(series.points)
    ]
    y_ticks = []
    for i in range(Y_TICKS):
        value = 2 * (lo / 2 + i * half_span / (Y_TICKS - 1))
        y_ticks.append({"y": y_of(value), "label": number_text(value)})
    every = max(1, -(-count // MAX_X_LABELS))  # ceil: at most MAX_X_LABELS labels
    x_ticks = [{"x": p["x"], "label": p["label"]} for p in points[::every]]
    line = " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}" for i, p in enumerate(points))
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": TOP + plot_h,
        "key": xml_text(series.key),
        "points": points,
        "line": line,
        "y_ticks": y_ticks,
        "x_ticks": x_ticks,
    }
