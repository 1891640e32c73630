"""Graphs with networkx: the resource graph and pipeline step DAGs.

The only module that touches networkx. Functions take and return ``nx.DiGraph`` (edges
point from a dependency to its dependent) and translate networkx failures into
GraphError messages that name the culprits.

Step DAGs are the exception on the hot path: importing networkx takes longer than a
whole 100-step run, so ``topological_steps`` and ``check_step_cycles`` sort steps in
plain Python and reach for networkx only when there is a cycle to name.
"""

from __future__ import annotations

import heapq
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
    """Step names in an order where every step comes after its inputs (stable: of the
    ready steps, the one declared first goes first)."""
    order = _step_order(spec)
    if order is not None:
        return order
    import networkx as nx

    graph = step_dag(spec)  # networkx names the cycle, exactly as everywhere else
    position = {s.name: i for i, s in enumerate(spec.steps)}
    return list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))


def check_step_cycles(spec: PipelineSpec) -> None:
    """Raise GraphError naming the cycle if the pipeline's steps have one."""
    if _step_order(spec) is None:
        step_dag(spec)


def _step_order(spec: PipelineSpec) -> list[str] | None:
    """Kahn's algorithm with a heap keyed by declaration order; None on a cycle.

    Gives the same order as ``nx.lexicographical_topological_sort`` keyed by position,
    which is unique because positions are.
    """
    names = list(dict.fromkeys(s.name for s in spec.steps))
    position = {name: i for i, name in enumerate(names)}
    for s in spec.steps:  # a producer that is not a step still orders its consumers
        for up in s.upstream:
            if up not in position:
                position[up] = len(names)
                names.append(up)
    waiting = dict.fromkeys(names, 0)
    consumers: dict[str, list[str]] = {name: [] for name in names}
    for s in spec.steps:
        for up in s.upstream:
            consumers[up].append(s.name)
            waiting[s.name] += 1
    ready = [(position[n], n) for n in names if waiting[n] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for consumer in consumers[name]:
            waiting[consumer] -= 1
            if waiting[consumer] == 0:
                heapq.heappush(ready, (position[consumer], consumer))
    return order if len(order) == len(names) else None


def resource_graph(project: ProjectSpec) -> Graph:
    """components -> stacks -> pipelines (a pipeline depends on its default stack)."""
    nodes = [*project.components, *(s.address for s in project.stacks.values())]
    nodes += [p.address for p in project.pipelines.values()]
    edges = [
        (f"{type_}.{name}", stack.address)
        for stack in project.stacks.values()
        for type_, name in stack.components.items()
    ]
    edges += [(f"stack.{p.stack}", p.address) for p in project.pipelines.values() if p.stack]
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


def neighbours(graph: Graph, node: str, upstream: bool) -> list[str]:
    """The nodes ``node`` comes from (upstream) or feeds (downstream), sorted."""
    found = graph.predecessors(node) if upstream else graph.successors(node)
    return sorted(str(n) for n in found)
