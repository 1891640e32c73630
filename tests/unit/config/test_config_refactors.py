"""`moved:` / `removed:` blocks in the config: shapes, rules and their locations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackctl.components.registry import flavor_schemas, schemas_dir
from stackctl.config.load import load_project
from stackctl.errors import ConfigError
from stackctl.model import MovedBlock, RemovedBlock

STACKS = """\
components:
  orchestrator:
    local: {flavor: local}
  artifact_store:
    store: {flavor: local}
stacks:
  dev: {orchestrator: local, artifact_store: store}
"""


def write(root: Path, tail: str, project_tail: str = "") -> Path:
    (root / "stacks").mkdir(exist_ok=True)
    (root / "stackctl.yaml").write_text(f"project: t\ninclude: [stacks/*.yaml]\n{project_tail}")
    (root / "stacks" / "s.yaml").write_text(STACKS + tail)
    return root


def load(root: Path):  # type: ignore[no-untyped-def]
    return load_project(root, schemas_dir=schemas_dir(), flavor_schemas=flavor_schemas())


def errors(root: Path) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load(root)
    return [d.render().splitlines()[0] for d in err.value.diagnostics]


def test_blocks_in_any_file_reach_the_model_with_locations(tmp_path: Path) -> None:
    spec = load(
        write(
            tmp_path,
            "moved:\n  - {from: artifact_store.old, to: artifact_store.store}\n",
            "removed:\n  - {from: orchestrator.gone, lifecycle: {destroy: false}}\n"
            "  - {from: orchestrator.x, destroy: false}\n  - {from: orchestrator.y}\n",
        )
    )
    assert spec.moved == (MovedBlock("artifact_store.old", "artifact_store.store"),)
    assert spec.moved[0].location is not None and str(spec.moved[0].location) == "stacks/s.yaml:9:5"
    assert spec.removed == (
        RemovedBlock("orchestrator.gone", False),
        RemovedBlock("orchestrator.x", False),
        RemovedBlock("orchestrator.y", True),
    )


def test_cycles_types_duplicates_and_declared_sources_are_errors_with_locations(
    tmp_path: Path,
) -> None:
    found = errors(
        write(
            tmp_path,
            "moved:\n"
            "  - {from: artifact_store.a, to: artifact_store.b}\n"
            "  - {from: artifact_store.b, to: artifact_store.a}\n"
            "  - {from: orchestrator.x, to: stack.x}\n"
            "  - {from: orchestrator.local, to: orchestrator.y}\n"
            "  - {from: artifact_store.q, to: artifact_store.store}\n"
            "  - {from: artifact_store.r, to: artifact_store.store}\n"
            "removed:\n  - {from: stack.dev, destroy: false}\n",
        )
    )
    assert found == [
        "stacks/s.yaml:9:12: error: moved: the entries form a cycle: "
        "artifact_store.a -> artifact_store.b -> artifact_store.a",
        "stacks/s.yaml:11:32: error: moved: orchestrator.x -> stack.x changes the resource type",
        "stacks/s.yaml:12:12: error: moved: orchestrator.local is still declared",
        "stacks/s.yaml:14:34: error: moved: artifact_store.store is the `to` of two entries "
        "(also at stacks/s.yaml:13:5)",
        "stacks/s.yaml:16:12: error: removed: stack.dev is still declared",
    ]


@pytest.mark.parametrize(
    "tail",
    [
        "moved: [{from: artifact_store.a}]\n",
        "moved: [{from: nonsense, to: artifact_store.b}]\n",
        "moved: [{from: widget.a, to: widget.b}]\n",
        "removed: [{from: orchestrator.a, destroy: false, lifecycle: {destroy: false}}]\n",
        "removed: [{from: orchestrator.a, destroy: maybe}]\n",
        "moved: {from: artifact_store.a, to: artifact_store.b}\n",
    ],
)
def test_malformed_blocks_are_schema_errors_not_crashes(tmp_path: Path, tail: str) -> None:
    found = errors(write(tmp_path, tail))
    assert found and all(line.startswith("stacks/s.yaml:") for line in found)


NAMES = st.sampled_from(["a", "b", "c", "d", "store"])


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(NAMES, NAMES), max_size=6))
def test_any_list_of_moves_loads_or_fails_with_located_errors(
    tmp_path: Path, pairs: list[tuple[str, str]]
) -> None:
    lines = "".join(f"  - {{from: artifact_store.{a}, to: artifact_store.{b}}}\n" for a, b in pairs)
    root = write(tmp_path, f"moved:\n{lines}" if pairs else "")
    try:
        spec = load(root)
    except ConfigError as err:
        assert all(d.location.line > 0 for d in err.diagnostics)
        return
    # a valid set: no source declared, no duplicates, no cycle, every chain ends
    sources = [m.source for m in spec.moved]
    assert len(set(sources)) == len(sources)
    assert "artifact_store.store" not in sources
    by = {m.source: m.to for m in spec.moved}
    for start in by:
        seen, at = {start}, by[start]
        while at in by:
            assert at not in seen
            seen.add(at)
            at = by[at]
