"""Geometry of a run's step DAG for the server-side SVG (templates/_dag.html draws it).

Columns come from ``graph.layout`` (longest path from a source), so every edge points
right. Only numbers and text are produced here; jinja escapes the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stackctl import graph
from stackctl.errors import GraphError

NODE_W, NODE_H = 184, 54
GAP_X, GAP_Y, PAD = 56, 22, 12
TOP = PAD + GAP_Y  # room for edges that run above the first row
MAX_LABEL = 22


def _label(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "\u2026"


def drawing(steps: Sequence[Mapping[str, Any]], edges: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Nodes (box, label, caption, link) and edges (an SVG path) for ``steps``."""
    names = [s["step"] for s in steps]
    known = set(names)
    wires = sorted({(a, b) for a, b in edges if a in known and b in known and a != b})
    try:
        positions = graph.layout(graph.build(names, wires))
    except GraphError:  # a recorded run must still be drawable: one column, no edges
        positions, wires = {n: (0, i) for i, n in enumerate(names)}, []
    boxes = {
        n: (PAD + c * (NODE_W + GAP_X), TOP + r * (NODE_H + GAP_Y))
        for n, (c, r) in positions.items()
    }
    nodes = [
        {
            "step": s["step"],
            "x": boxes[s["step"]][0],
            "y": boxes[s["step"]][1],
            "label": _label(s.get("label") or s["step"]),  # lineage nodes have labels
            "caption": s["caption"],
            "status": s["status"],
            "url": s["url"],
        }
        for s in steps
    ]
    paths = []
    for a, b in wires:
        x1, y1 = boxes[a][0] + NODE_W, boxes[a][1] + NODE_H // 2
        x2, y2 = boxes[b][0], boxes[b][1] + NODE_H // 2
        if positions[b][0] - positions[a][0] > 1:
            # Skipping a column: run along the gap above both rows, not through a node.
            lane = min(boxes[a][1], boxes[b][1]) - GAP_Y // 2
            d = (
                f"M{x1},{y1} C{x1 + 24},{y1} {x1 + 12},{lane} {x1 + 40},{lane} "
                f"L{x2 - 40},{lane} C{x2 - 12},{lane} {x2 - 24},{y2} {x2 - 6},{y2}"
            )
        else:
            mid = (x1 + x2) // 2
            d = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2 - 6},{y2}"
        paths.append({"from": a, "to": b, "d": d})
    width = max((x for x, _ in boxes.values()), default=PAD) + NODE_W + PAD
    height = max((y for _, y in boxes.values()), default=PAD) + NODE_H + PAD
    return {
        "nodes": nodes,
        "edges": paths,
        "width": width,
        "height": height,
        "node_w": NODE_W,
        "node_h": NODE_H,
    }
