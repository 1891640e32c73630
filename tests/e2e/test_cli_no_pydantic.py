"""The everyday commands import no pydantic (cli/coercion.py answers their option
values), and a bad value still gets typer's own message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("command", [["runs", "list"], ["stack", "list"], ["pipelines", "list"]])
def test_everyday_commands_import_no_pydantic(tmp_path: Path, command: list[str]) -> None:
    stackctl = str(Path(sys.executable).with_name("stackctl"))
    subprocess.run([stackctl, "init"], cwd=tmp_path, check=True, capture_output=True)
    code = (
        "import sys, atexit\n"
        f"sys.argv = ['stackctl', *{command!r}]\n"
        "atexit.register(lambda: print('pydantic' in sys.modules, file=sys.stderr))\n"
        "from stackctl.cli.app import main\n"
        "main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "STACKCTL_STACK"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"


def test_a_bad_value_still_gets_typers_message(tmp_path: Path) -> None:
    stackctl = str(Path(sys.executable).with_name("stackctl"))
    done = subprocess.run(
        [stackctl, "runs", "list", "-n", "many"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1  # usage errors are exit 1 (DESIGN.md)
    assert "Invalid value for '--limit' / '-n': Input should be a valid integer" in done.stderr
