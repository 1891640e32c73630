"""Lineage of a named artifact version: which run and step produced it from which
inputs, back to the sources (upstream), or which steps consumed it and what they made
from it (downstream). Walks the step-input records of state; the graph itself is built
and ordered by graph.py.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from stackctl import graph
from stackctl.frozen import frozen
from stackctl.model import ArtifactRecord, ArtifactSelector, ArtifactVersion, StepInput

if TYPE_CHECKING:
    from stackctl.graph import Graph


class LineageStore(Protocol):
    """The reads a lineage walk makes (a StateStore, or the dashboard's ReadStore)."""

    def artifact_version(self, selector: ArtifactSelector) -> ArtifactVersion: ...

    def artifact_versions_for_run(self, run_id: str) -> list[ArtifactVersion]: ...

    def artifacts(self, run_id: str) -> list[ArtifactRecord]: ...

    def step_inputs(self, run_id: str) -> list[StepInput]: ...

    def consumers(self, run_id: str, step: str, output: str) -> list[StepInput]: ...


#: A lineage stops growing here (and says so): a long-lived name can have thousands of
#: consumers, and a terminal cannot show them anyway.
MAX_NODES = 500


@frozen
class Node:
    id: str
    kind: str  # "artifact" | "step"
    run_id: str
    step: str
    output: str = ""
    version: str = ""  # "iris_data:2" when the artifact is a named version

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.step, self.output, self.version, self.run_id)

    @property
    def label(self) -> str:
        if self.kind == "step":
            return f"step {self.step} (run {self.run_id[:8]})"
        where = f"{self.step}.{self.output}"
        if self.version:
            return f"{self.version} ({where}, run {self.run_id[:8]})"
        return f"{where} (run {self.run_id[:8]})"


@dataclass
class Lineage:
    root: Node
    upstream: bool
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)  # (from, to) in data flow
    args: dict[tuple[str, str], str] = field(default_factory=dict)  # edge -> input name
    truncated: bool = False

    def graph(self) -> Graph:
        return graph.build(self.nodes, self.edges)

    def children(self, built: Graph, node: str) -> list[str]:
        """What the tree shows under ``node`` (``built``: ``self.graph()``, built once):
        its inputs upstream, its uses downstream."""
        found = graph.neighbours(built, node, self.upstream)
        # by step and output, not by id (ids start with random run ids)
        return sorted(found, key=lambda n: self.nodes[n].sort_key)


def _artifact_id(run_id: str, step: str, output: str) -> str:
    return f"artifact:{run_id}/{step}/{output}"


def _step_id(run_id: str, step: str) -> str:
    return f"step:{run_id}/{step}"


class _Walker:
    def __init__(self, state: LineageStore, lineage: Lineage) -> None:
        self.state, self.lineage = state, lineage
        self.named: dict[str, dict[tuple[str, str], str]] = {}

    def version_of(self, run_id: str, step: str, output: str) -> str:
        if run_id not in self.named:
            self.named[run_id] = {
                (v.step, v.output): v.label for v in self.state.artifact_versions_for_run(run_id)
            }
        return self.named[run_id].get((step, output), "")

    def add(self, node: Node) -> bool:
        """Add a node; False when it was there (or the walk is full)."""
        if node.id in self.lineage.nodes:
            return False
        if len(self.lineage.nodes) >= MAX_NODES:
            self.lineage.truncated = True
            return False
        self.lineage.nodes[node.id] = node
        return True

    def artifact(self, run_id: str, step: str, output: str) -> Node:
        version = self.version_of(run_id, step, output)
        return Node(_artifact_id(run_id, step, output), "artifact", run_id, step, output, version)

    def edge(self, a: str, b: str, arg: str = "") -> None:
        if a in self.lineage.nodes and b in self.lineage.nodes:
            self.lineage.edges.append((a, b))
            if arg:
                self.lineage.args[(a, b)] = arg


def lineage_of(state: LineageStore, selector: ArtifactSelector, *, downstream: bool) -> Lineage:
    """The lineage of one version (upstream by default)."""
    version = state.artifact_version(selector)
    return walk(state, version, downstream=downstream)


def walk(state: LineageStore, version: ArtifactVersion, *, downstream: bool) -> Lineage:
    root = Node(
        _artifact_id(version.run_id, version.step, version.output),
        "artifact",
        version.run_id,
        version.step,
        version.output,
        version.label,
    )
    lineage = Lineage(root, upstream=not downstream)
    walker = _Walker(state, lineage)
    walker.add(root)
    queue = deque([root])
    while queue:
        node = queue.popleft()
        found = _downstream(walker, node) if downstream else _upstream(walker, node)
        queue.extend(found)
    graph.check_acyclic(lineage.graph(), f"the lineage of {version.label}")
    return lineage


def _upstream(walker: _Walker, node: Node) -> list[Node]:
    new: list[Node] = []
    if node.kind == "artifact":  # made by its step
        step = Node(_step_id(node.run_id, node.step), "step", node.run_id, node.step)
        if walker.add(step):
            new.append(step)
        walker.edge(step.id, node.id)
        return new
    for item in walker.state.step_inputs(node.run_id):  # a step: what it read
        if item.step != node.step:
            continue
        source = walker.artifact(item.source_run_id, item.source_step, item.source_output)
        if walker.add(source):
            new.append(source)
        walker.edge(source.id, node.id, item.arg)
    return new


def _downstream(walker: _Walker, node: Node) -> list[Node]:
    new: list[Node] = []
    if node.kind == "artifact":  # read by steps, in any run
        for item in walker.state.consumers(node.run_id, node.step, node.output):
            step = Node(_step_id(item.run_id, item.step), "step", item.run_id, item.step)
            if walker.add(step):
                new.append(step)
            walker.edge(node.id, step.id, item.arg)
        return new
    for record in walker.state.artifacts(node.run_id):  # a step: what it wrote
        if record.step != node.step:
            continue
        out = walker.artifact(record.run_id, record.step, record.name)
        if walker.add(out):
            new.append(out)
        walker.edge(node.id, out.id)
    return new
