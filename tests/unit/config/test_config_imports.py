"""`import:` blocks in stackctl.yaml and stack files: collected with locations, checked
against the declared components, and any `to`/`id` text is either accepted or an error
with a location (never a crash)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackctl.components.registry import flavor_schemas, schemas_dir
from stackctl.config.load import load_project
from stackctl.errors import ConfigError, Location
from stackctl.model import ImportSpec

STACK = """\
components:
  artifact_store:
    shared: {flavor: local, config: {path: /data/shared}}
"""


def write(root: Path, project_extra: str = "", stack_extra: str = "") -> Path:
    (root / "stackctl.yaml").write_text(f"project: p\ninclude: [stacks/*.yaml]\n{project_extra}")
    (root / "stacks").mkdir(exist_ok=True)
    (root / "stacks" / "local.yaml").write_text(STACK + stack_extra)
    return root


def load(root: Path):  # noqa: ANN201
    return load_project(root, schemas_dir=schemas_dir(), flavor_schemas=flavor_schemas())


def test_blocks_from_the_project_file_and_stack_files(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        project_extra="import:\n  - {to: artifact_store.shared, id: /data/shared}\n",
        stack_extra="import:\n  - to: artifact_store.default\n    id: .stackctl/artifacts\n",
    )
    assert load(root).imports == (
        ImportSpec("artifact_store.shared", "/data/shared", Location("stackctl.yaml", 4, 5)),
        ImportSpec(
            "artifact_store.default", ".stackctl/artifacts", Location("stacks/local.yaml", 5, 5)
        ),
    )


def test_no_blocks_no_imports(tmp_path: Path) -> None:
    assert load(write(tmp_path)).imports == ()


def test_twice_across_files_names_the_first(tmp_path: Path) -> None:
    block = "import:\n  - {to: artifact_store.shared, id: /data/shared}\n"
    root = write(tmp_path, project_extra=block, stack_extra=block)
    with pytest.raises(ConfigError) as caught:
        load(root)
    [problem] = caught.value.diagnostics
    assert str(problem.location) == "stacks/local.yaml:5:10"
    assert problem.message == (
        "import: artifact_store.shared is also imported at stackctl.yaml:4:5"
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(to=st.text(max_size=30), id=st.text(max_size=30))
def test_any_text_is_accepted_or_reported_with_a_location(tmp_path: Path, to: str, id: str) -> None:
    import json

    block = f"import:\n  - {{to: {json.dumps(to)}, id: {json.dumps(id)}}}\n"
    root = write(tmp_path, stack_extra=block)
    try:
        spec = load(root)
    except ConfigError as exc:
        assert all(d.location.file == "stacks/local.yaml" for d in exc.diagnostics)
        assert all(d.location.line >= 4 for d in exc.diagnostics)
        return
    assert spec.imports == (ImportSpec(to, id, Location("stacks/local.yaml", 5, 5)),)
    assert to in {"artifact_store.shared", "artifact_store.default", "orchestrator.default"}
