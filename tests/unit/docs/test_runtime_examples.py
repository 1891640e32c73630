"""docs/runtime.md's SDK examples run as written, outside any project, and print what the
page shows (the ```text block right after each `<!-- test: example -->` block)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RUNTIME = ROOT / "docs" / "runtime.md"
_EXAMPLE = re.compile(
    r"<!-- test: example -->\n```python\n(?P<code>.*?)```\n\s*```text\n(?P<out>.*?)```", re.S
)


def examples() -> list[tuple[str, str]]:
    found = [(m["code"], m["out"]) for m in _EXAMPLE.finditer(RUNTIME.read_text())]
    assert found, "docs/runtime.md has no `<!-- test: example -->` block"
    return found


@pytest.mark.parametrize(("code", "expected"), examples())
def test_example_runs_and_prints_what_the_page_shows(tmp_path, code, expected):
    assert not any((p / "stackctl.yaml").exists() for p in (tmp_path, *tmp_path.parents))
    (tmp_path / "run.py").write_text(code)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKCTL_")}
    done = subprocess.run(
        [sys.executable, "run.py"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    assert "stackctl init" in done.stderr  # the once-only note outside a project
