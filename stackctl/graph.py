"""Graphs with networkx: the resource graph and pipeline step DAGs.

The only module that touches networkx. Functions take and return ``nx.DiGraph`` (edges
point from a dependency to its dependent) and translate networkx failures into
GraphError messages that name the culprits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from stackctl.errors import GraphError, Location
from stackctl.model import PipelineSpec, ProjectSpec

if TYPE_CHECKING:
    import networkx as nx

    Graph = nx.DiGraph[str]


def build(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> Graph:
    """A DiGraph from nodes and (dependency, dependent) edges."""
    import networkx as nx

    graph: Graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


def check_acyclic(graph: Graph, what: str, location: Location | None = None) -> None:
    """Raise GraphError naming the cycle (``a -> b -> a``) if there is one."""
    import networkx as nx

    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    names = [edge[0] for edge in cycle] + [cycle[0][0]]
    raise GraphError(
        f"{what} has a cycle: {' -> '.join(map(str, names))}",
        hint="remove one of these dependencies so the graph is acyclic",
        location=location,
    )


def step_dag(spec: PipelineSpec) -> Graph:
    """The pipeline's steps, with an edge from each producer to each consumer."""
    graph = build(
        (s.name for s in spec.steps),
        ((up, s.name) for s in spec.steps for up in s.upstream),
    )
    check_acyclic(graph, f"pipeline {spec.name!r}", spec.location)
    return graph


def topological_steps(spec: PipelineSpec) -> list[str]:
    """Step names in an order where every step comes after its inputs (stable)."""
    import networkx as nx

    graph = step_dag(spec)
    order = {s.name: i for i, s in enumerate(spec.steps)}
    return list(nx.lexicographical_topological_sort(graph, key=order.__getitem__))


def resource_graph(project: ProjectSpec) -> Graph:
    """components -> stacks -> pipelines (a pipeline depends on its default stack)."""
    nodes = [*project.components, *(s.address for s in project.stacks.values())]
    nodes += [p.address for p in project.pipelines.values()]
    edges = [
        (f"{type_}.{name}", stack.address)
        for stack in project.stacks.values()
        for type_, name in stack.components.items()
    ]
    edges += [
        (f"stack.{p.stack}", p.address) for p in project.pipelines.values() if p.stack
    ]
    return build(nodes, edges)


def topological(graph: Graph) -> list[str]:
    """Nodes in dependency order, ties broken by name so plans are deterministic."""
    import networkx as nx

    check_acyclic(graph, "the resource graph")
    return list(nx.lexicographical_topological_sort(graph))


def generations(graph: Graph) -> list[list[str]]:
    """Layers of nodes whose members do not depend on each other (safe to run together)."""
    import networkx as nx

    check_acyclic(graph, "the graph")
    return [sorted(layer) for layer in nx.topological_generations(graph)]


def with_dependencies(graph: Graph, targets: Iterable[str]) -> set[str]:
    """The targets plus everything they depend on (Terraform's -target semantics)."""
    import networkx as nx

    selected: set[str] = set()
    for target in targets:
        selected.add(target)
        selected |= nx.ancestors(graph, target)
    return selected


def dependents(graph: Graph, node: str) -> set[str]:
    import networkx as nx

    return set(nx.descendants(graph, node))


def edges(graph: Graph) -> list[tuple[str, str]]:
    return sorted((str(a), str(b)) for a, b in graph.edges)


def _ident(node: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in node)


def to_dot(graph: Graph, name: str = "stackctl") -> str:
    lines = [f'digraph "{name}" {{', "  rankdir=LR;"]
    lines += [f'  "{n}";' for n in sorted(graph.nodes)]
    lines += [f'  "{a}" -> "{b}";' for a, b in edges(graph)]
    return "\n".join([*lines, "}"]) + "\n"


def to_mermaid(graph: Graph) -> str:
    lines = ["flowchart LR"]
    lines += [f'  {_ident(n)}["{n}"]' for n in sorted(graph.nodes)]
    lines += [f"  {_ident(a)} --> {_ident(b)}" for a, b in edges(graph)]
    return "\n".join(lines) + "\n"


def layout(graph: Graph) -> dict[str, tuple[int, int]]:
    """(column, row) per node: column = longest path from a source (for SVG drawings)."""
    positions: dict[str, tuple[int, int]] = {}
    for column, layer in enumerate(generations(graph)):
        for row, node in enumerate(layer):
            positions[node] = (column, row)
    return positions
