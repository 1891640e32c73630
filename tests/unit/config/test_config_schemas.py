"""The JSON Schemas themselves: valid draft 2020-12, and referenced by every shipped YAML file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackctl.config.scaffold import EDITOR_SCHEMAS, TEMPLATES

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = sorted((ROOT / "schemas").rglob("*.json"))
SHIPPED = [
    ROOT / "stackctl.yaml",
    *sorted((ROOT / "stacks").glob("*.yaml")),
    *sorted((ROOT / "pipelines").glob("*.yaml")),
]
TEMPLATE_FILES = sorted(TEMPLATES.rglob("*.yaml"))
PREFIX = "# yaml-language-server: $schema="


def kind(path: Path) -> str:
    if path.name == "stackctl.yaml":
        return "project.schema.json"
    return (
        "pipeline-file.schema.json" if path.parent.name == "pipelines" else "stack-file.schema.json"
    )


def test_there_are_schemas() -> None:
    names = {p.name for p in SCHEMAS}
    assert {"project.schema.json", "stack-file.schema.json", "pipeline-file.schema.json"} <= names
    assert any(p.parent.name == "flavors" for p in SCHEMAS)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(path.read_text())
    assert schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)  # against the 2020-12 metaschema
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    assert not list(meta.iter_errors(schema))
    assert schema.get("$id", "").endswith(path.name)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_yaml_points_at_its_schema(path: Path) -> None:
    first = path.read_text().splitlines()[0]
    assert first.startswith(PREFIX), first
    target = (path.parent / first.removeprefix(PREFIX)).resolve()
    assert target.is_file(), target
    assert target.name == kind(path)


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_point_at_the_schemas_init_copies(path: Path) -> None:
    first = path.read_text().splitlines()[0]
    assert first.startswith(PREFIX), first
    # `stackctl init` copies EDITOR_SCHEMAS into the new project's schemas/ folder.
    relative = (path.parent / first.removeprefix(PREFIX)).resolve().relative_to(TEMPLATES.resolve())
    assert relative.parts[0] == "schemas" and relative.name in EDITOR_SCHEMAS
    assert relative.name == kind(path)
    assert (ROOT / "schemas" / relative.name).is_file()
