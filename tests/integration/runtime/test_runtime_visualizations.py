"""A real run producing each kind of visualization: objects in the artifact store beside
the outputs, digests in state, a cached run keeping them, a local_parallel worker too."""

from __future__ import annotations

import pytest

from stackctl.components.artifact_stores.base import read_verified
from stackctl.model import PipelineSpec, StepSpec
from stackctl.runtime.run import run_pipeline
from stackctl.runtime.visualizations import recorded

STEPS = """
import numpy as np
import pandas as pd
from stackctl.types import CSVString, HTMLString, MarkdownString

def frame():
    return pd.DataFrame({"x": range(30), "y": [i / 2 for i in range(30)]})

def image():
    return np.linspace(0, 1, 64).reshape(8, 8)

def figure():
    from matplotlib.figure import Figure
    fig = Figure(figsize=(2, 2))
    fig.subplots().plot([0, 1], [0, 1])
    return fig

def html():
    return HTMLString("<script>alert(1)</script><p>report</p>")

def markdown():
    return MarkdownString("# Report")

def csv():
    return CSVString("a,b\\n1,2\\n")

def plain():
    return 3
"""

KINDS = {
    "frame": [("head", "text/csv"), ("describe", "text/csv")],
    "image": [("image", "image/png")],
    "figure": [("figure", "image/png")],
    "html": [("html", "text/html")],
    "markdown": [("markdown", "text/markdown")],
    "csv": [("table", "text/csv")],
    "plain": [],
}


def spec(steps) -> PipelineSpec:
    return PipelineSpec("viz", tuple(StepSpec(name, steps.ref(name)) for name in KINDS))


@pytest.mark.parametrize(
    "orchestrator,config", [("local", {}), ("local_parallel", {"max_workers": 2})]
)
def test_each_kind_is_stored_beside_its_output_with_its_digest(
    project, state, orchestrator, config
):
    project.write("steps", STEPS)
    stack = project.stack(orchestrator, **config)
    run = run_pipeline(spec(project), stack, state, root=project.root)
    entries = state.metadata(run.id)
    for step, expected in KINDS.items():
        found = recorded(entries, step, "output")
        assert [(r.name, r.media_type) for r in found] == expected, step
        for record in found:
            data = read_verified(stack.artifact_store, record.uri, record.digest)
            assert len(data) == record.size
            assert record.uri.startswith(stack.artifact_store.root)
    assert {a.step: a.materializer for a in state.artifacts(run.id)}["html"] == "html"
    # other metadata readers never see them
    assert all(e.key != "html" for e in entries if e.scope == "artifact")


def test_a_cached_run_keeps_the_producers_visualizations(project, state):
    project.write("steps", STEPS)
    stack = project.stack()
    first = run_pipeline(spec(project), stack, state, root=project.root)
    second = run_pipeline(spec(project), stack, state, root=project.root)
    assert all(s.cached_from for s in state.steps(second.id))
    for step in KINDS:
        before = recorded(state.metadata(first.id), step, "output")
        assert recorded(state.metadata(second.id), step, "output") == before
