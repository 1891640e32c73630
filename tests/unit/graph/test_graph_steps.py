"""Step DAG order without networkx on the hot path: same order, same cycle error."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackctl import graph
from stackctl.errors import GraphError
from stackctl.model import InputRef, PipelineSpec, StepSpec


def _spec(edges: dict[str, list[str]]) -> PipelineSpec:
    steps = tuple(
        StepSpec(name, "m:f", {f"a{i}": InputRef(up, "output") for i, up in enumerate(ups)})
        for name, ups in edges.items()
    )
    return PipelineSpec("p", steps)


def _networkx_order(spec: PipelineSpec) -> list[str]:
    g = nx.DiGraph()
    g.add_nodes_from(s.name for s in spec.steps)
    g.add_edges_from((up, s.name) for s in spec.steps for up in s.upstream)
    position = {s.name: i for i, s in enumerate(spec.steps)}
    return list(nx.lexicographical_topological_sort(g, key=position.__getitem__))


@st.composite
def pipelines(draw: st.DrawFn) -> dict[str, list[str]]:
    names = draw(st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=10, unique=True))
    return {n: draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) for n in names}


@settings(max_examples=300, deadline=None)
@given(pipelines())
def test_same_order_as_networkx_and_same_cycle_error(edges):
    spec = _spec(edges)
    try:
        expected = _networkx_order(spec)
    except nx.NetworkXUnfeasible:
        with pytest.raises(GraphError) as ours:
            graph.topological_steps(spec)
        with pytest.raises(GraphError) as reference:
            graph.step_dag(spec)
        assert ours.value.message == reference.value.message
        with pytest.raises(GraphError):
            graph.check_step_cycles(spec)
        return
    assert graph.topological_steps(spec) == expected
    graph.check_step_cycles(spec)


def test_cycle_is_named():
    with pytest.raises(GraphError) as caught:
        graph.topological_steps(_spec({"a": ["c"], "b": ["a"], "c": ["b"]}))
    assert caught.value.message == "pipeline 'p' has a cycle: a -> b -> c -> a"


def test_ready_steps_start_in_declaration_order():
    spec = _spec({"z": [], "y": [], "x": ["z"], "w": ["y"]})
    assert graph.topological_steps(spec) == ["z", "y", "x", "w"]
