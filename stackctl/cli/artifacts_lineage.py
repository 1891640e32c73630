"""`stackctl artifacts lineage NAME[:VERSION] [--downstream]`: the graph of runs and
steps a version came from (or went into), as a tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from stackctl.cli import options, render
from stackctl.cli.artifacts_show import Ref

if TYPE_CHECKING:
    from stackctl.graph import Graph
    from stackctl.runtime.lineage import Lineage


def register(artifacts_app: typer.Typer) -> None:
    artifacts_app.command("lineage")(lineage)


def lineage(
    ref: Ref,
    downstream: Annotated[
        bool, typer.Option("--downstream", help="What consumed it, instead of where it came from.")
    ] = False,
    json: options.Json = False,
) -> None:
    """Where a version came from: producing run and step, their inputs, back to sources."""
    from stackctl.cli.context import open_project
    from stackctl.runtime.lineage import lineage_of
    from stackctl.runtime.naming import parse_ref

    found = lineage_of(open_project().read_state(), parse_ref(ref), downstream=downstream)
    if json:
        render.emit_json(_json(found))
        return
    built = found.graph()
    for line in _tree(found, built, found.root.id, "", set()):
        render.out(line)
    if found.truncated:
        render.out(f"(stopped at {len(found.nodes)} nodes; see --json for what was found)")


def _tree(found: Lineage, built: Graph, node: str, indent: str, seen: set[str]) -> list[str]:
    """The root line, then each child below it (a node met again is not repeated)."""
    lines = [found.nodes[node].label] if not indent else []
    children = found.children(built, node)
    seen.add(node)
    for i, child in enumerate(children):
        last = i == len(children) - 1
        edge = (child, node) if found.upstream else (node, child)
        arg = found.args.get(edge, "")
        via = f"{arg} <- " if arg and found.upstream else (f"as {arg}: " if arg else "")
        again = child in seen
        mark = " (see above)" if again else ""
        if found.nodes[child].kind == "step" and not found.children(built, child) and not again:
            mark = " (source)" if found.upstream else " (end)"
        lines.append(f"{indent}{'└── ' if last else '├── '}{via}{found.nodes[child].label}{mark}")
        if not again:
            lines += _tree(found, built, child, indent + ("    " if last else "│   "), seen)
    return lines


def _json(found: Lineage) -> dict[str, Any]:
    return {
        "root": found.root.id,
        "direction": "upstream" if found.upstream else "downstream",
        "nodes": [{**vars(n), "label": n.label} for n in found.nodes.values()],
        "edges": [
            {"from": a, "to": b, "input": found.args.get((a, b), "")} for a, b in found.edges
        ],
        "truncated": found.truncated,
    }
