"""Property tests: whatever the input, the loader either succeeds or raises a located ConfigError.

Diagnostics inside a file always have line >= 1 and column >= 1 (whole-file problems
point at 1:1); only problems with no file (a --var) have line 0.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackctl.components.registry import flavor_schemas, schemas_dir
from stackctl.config.build import Builder, Collector
from stackctl.config.load import load_project
from stackctl.config.yaml import parse_document
from stackctl.errors import ConfigError
from stackctl.model import ProjectSpec, StateConfig

NAMES = [
    "components", "stacks", "pipelines", "orchestrator", "artifact_store",
    "experiment_tracker", "local", "local_parallel", "dask", "flavor", "config",
    "lifecycle", "prevent_destroy", "steps", "function", "inputs", "outputs", "params",
    "retries", "cache", "cache_version", "stack", "path", "max_workers", "default", "a", "b",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "local",
            "m:f",
            "a.output",
            "b.output",
            "${vars.x}",
            "${params.p}",
            "${secret:K}",
            "${oc.env:NOPE}",
            "${",
            "${vars.${vars.x}}",
            "a",
            "b",
            "pipelines.iris:load",
        ]
    ),  # fmt: skip
    st.text(max_size=20),
)
KEYS = st.one_of(st.sampled_from(NAMES), st.text(max_size=12))
TREES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)
    ),
    max_leaves=30,
)
# Near-valid files reach the deeper checks (references, flavors, interpolation, cycles).
SHORT = st.sampled_from(["a", "b", "c", "local", "default", "parallel"])
VALUES = st.one_of(SCALARS, TREES)
COMPONENT = st.fixed_dictionaries(
    {"flavor": st.one_of(st.sampled_from(["local", "local_parallel", "dask", "s3"]), VALUES)},
    optional={"config": st.dictionaries(KEYS, VALUES, max_size=3), "lifecycle": VALUES},
)
STACK_FILE = st.fixed_dictionaries(
    {},
    optional={
        "components": st.dictionaries(
            st.sampled_from(["orchestrator", "artifact_store", "experiment_tracker", "x"]),
            st.dictionaries(SHORT, COMPONENT, max_size=3),
            max_size=3,
        ),
        "stacks": st.dictionaries(
            SHORT,
            st.dictionaries(
                st.sampled_from(["orchestrator", "artifact_store", "lifecycle", "y"]),
                st.one_of(SHORT, VALUES),
                max_size=3,
            ),
            max_size=3,
        ),
    },
)
STEP = st.fixed_dictionaries(
    {"function": st.one_of(st.sampled_from(["m:f", "a.b:c", "bad", "m:"]), VALUES)},
    optional={
        "inputs": st.dictionaries(
            KEYS,
            st.one_of(st.sampled_from(["a.output", "b.output", "c.x", "zz.output", "a"]), VALUES),
            max_size=3,
        ),
        "outputs": st.one_of(st.lists(st.sampled_from(["output", "x", "y"]), max_size=3), VALUES),
        "params": st.dictionaries(KEYS, VALUES, max_size=3),
        "retries": VALUES,
    },
)
PIPELINE_FILE = st.fixed_dictionaries(
    {
        "pipelines": st.dictionaries(
            SHORT,
            st.fixed_dictionaries(
                {"steps": st.dictionaries(SHORT, STEP, max_size=4)},
                optional={"params": st.dictionaries(KEYS, VALUES, max_size=3), "stack": VALUES},
            ),
            max_size=2,
        )
    }
)
FILES = st.one_of(
    TREES,
    STACK_FILE,
    PIPELINE_FILE,
    st.fixed_dictionaries({}, optional={"components": TREES, "stacks": TREES}),
    st.fixed_dictionaries({"pipelines": st.dictionaries(KEYS, TREES, max_size=3)}),
)


def assert_located(error: ConfigError) -> None:
    assert error.diagnostics
    for diag in error.diagnostics:
        assert diag.location.file
        assert diag.location.line >= 1 and diag.location.column >= 1, diag
        assert "\n" not in diag.message, diag


def builder(out: Collector) -> Builder:
    return Builder(Path("."), schemas_dir(), flavor_schemas(), {"x": 1}, out, _cycles)


def _cycles(spec: Any) -> list[Any]:
    """The project layer's cycle check, as load_project gets it."""
    from stackctl.project import _pipeline_cycles

    return _pipeline_cycles(spec)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    try:
        doc = parse_document(text.encode("utf-8", "surrogatepass"), Path("f.yaml"), "f.yaml")
    except ConfigError as exc:
        assert_located(exc)
        return
    out = Collector()
    builder(out).add_document(doc)
    for diag in out.problems:
        assert diag.location.line >= 1, diag


YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            ["a: ", "b:", "!!int ", "!!bool ", "!!float ", "!!binary ", "!!set ", "!!omap ",
             "!!timestamp ", "!custom ", "2024-13-45", "1e400", "\n", "  ", "- ", "{", "}",
             "[", "]", "&a ", "*a ", ", ", "? ", ": ", "|\n", ">-\n", "# c", "'", '"', "<<: ",
             "---\n", "...\n", "\t", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "\\x", "~"]
        ),
        st.text(max_size=4),
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(YAMLISH)
def test_yaml_shaped_text(text: str) -> None:
    try:
        doc = parse_document(text.encode("utf-8", "surrogatepass"), Path("f.yaml"), "f.yaml")
    except ConfigError as exc:
        assert_located(exc)
        return
    out = Collector()
    builder(out).add_document(doc)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(raw: bytes) -> None:
    try:
        parse_document(raw, Path("f.yaml"), "f.yaml")
    except ConfigError as exc:
        assert_located(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FILES)
def test_arbitrary_trees_through_the_builder(tree: Any) -> None:
    # JSON is YAML, and json.dumps writes every tree hypothesis can build.
    text = json.dumps(tree, indent=1, allow_nan=True)
    try:
        doc = parse_document(text.encode(), Path("s.yaml"), "s.yaml")
    except ConfigError as exc:
        assert_located(exc)
        return
    out = Collector()
    build = builder(out)
    build.add_document(doc)
    spec = build.build("p", ".", StateConfig(), ["s.yaml"])
    assert isinstance(spec, ProjectSpec)
    for diag in out.problems:
        assert diag.location.line >= 1 and "\n" not in diag.message, diag


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stacks=FILES, pipelines=FILES, project=TREES)
def test_arbitrary_projects_through_load_project(stacks: Any, pipelines: Any, project: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if isinstance(project, dict):
            project = {**project, "project": "fuzz"}
        (root / "stackctl.yaml").write_text(json.dumps(project))
        (root / "stacks").mkdir()
        (root / "pipelines").mkdir()
        (root / "stacks" / "s.yaml").write_text(json.dumps(stacks))
        (root / "pipelines" / "p.yaml").write_text(json.dumps(pipelines))
        try:
            spec = load_project(
                root,
                schemas_dir=schemas_dir(),
                flavor_schemas=flavor_schemas(),
                check_pipeline=_cycles,
            )
        except ConfigError as exc:
            assert_located(exc)
            return
        assert spec.name == "fuzz"
