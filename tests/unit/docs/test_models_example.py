"""docs/models.md's example runs as written, outside any project, and prints what the
page shows; its CLI transcript matches the real commands run after it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from support.cli import STACKCTL

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "models.md"
_EXAMPLE = re.compile(
    r"<!-- test: example -->\n```python\n(?P<code>.*?)```\n\s*```text\n(?P<out>.*?)```", re.S
)
_CONSOLE = re.compile(r"```console\n(?P<body>.*?)```", re.S)


def test_the_example_and_its_transcript(tmp_path: Path) -> None:
    page = PAGE.read_text()
    example = _EXAMPLE.search(page)
    assert example, "docs/models.md has no `<!-- test: example -->` block"
    (tmp_path / "run.py").write_text(example["code"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKCTL_")}
    done = subprocess.run(
        [sys.executable, "run.py"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == example["out"]
    assert "model mean: version 2" in done.stderr
    console = _CONSOLE.search(page[example.end() :])
    assert console
    for block in console["body"].split("$ ")[1:]:
        command, _, expected = block.partition("\n")
        argv = command.split()
        assert argv[0] == "stackctl"
        ran = subprocess.run(
            [STACKCTL, *argv[1:]], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert (ran.returncode, ran.stdout) == (0, expected)
