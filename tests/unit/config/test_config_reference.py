"""docs/yaml-reference.md is generated from the schemas and must be up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "gen_reference", ROOT / "scripts" / "gen_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_is_up_to_date() -> None:
    generated = load_generator().render()
    committed = (ROOT / "docs" / "yaml-reference.md").read_text()
    assert committed == generated, "run `python scripts/gen_reference.py` and commit the result"


def test_reference_mentions_every_schema_key() -> None:
    import json

    text = (ROOT / "docs" / "yaml-reference.md").read_text()
    for path in sorted((ROOT / "schemas" / "flavors").glob("*.json")):
        for key in json.loads(path.read_text()).get("properties", {}):
            assert f"| `{key}` |" in text, (path.name, key)
    for key in (
        "project",
        "state.backend",
        "include",
        "vars",
        "pipelines.<name>.steps.<name>.function",
    ):
        assert f"| `{key}` |" in text, key
