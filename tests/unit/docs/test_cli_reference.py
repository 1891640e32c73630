"""docs/cli-reference.md and cli/fast_help_text.py are generated from the CLI; they must match."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "gen_cli_reference", ROOT / "scripts" / "gen_cli_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current() -> None:
    committed = (ROOT / "docs" / "cli-reference.md").read_text()
    assert committed == _generator().render(), "run .venv/bin/python scripts/gen_cli_reference.py"


def test_fast_help_text_is_current() -> None:
    committed = (ROOT / "stackctl" / "cli" / "fast_help_text.py").read_text()
    assert committed == _generator().render_help_module(), (
        "run .venv/bin/python scripts/gen_cli_reference.py"
    )
