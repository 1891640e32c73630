"""The real `stackctl --help` prints typer's root help without importing typer at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stackctl.cli.fast_help import TYPER_SWITCHES

STACKCTL = str(Path(sys.executable).with_name("stackctl"))


def environment(columns: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TYPER_SWITCHES}
    return {**env, "COLUMNS": columns}


def typer_rendering(arg: str, columns: str) -> str:
    code = "from stackctl.cli.root import app; app(prog_name='stackctl')"
    return subprocess.run(
        [sys.executable, "-c", code, arg],
        capture_output=True,
        text=True,
        check=True,
        env=environment(columns),
    ).stdout


@pytest.mark.parametrize("arg", ["--help", "-h"])
def test_help_imports_neither_typer_nor_click(arg: str) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", STACKCTL, arg],
        capture_output=True,
        text=True,
        env=environment("80"),
    )
    assert done.returncode == 0, done.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "stackctl.cli.fast_help_text" in imported
    assert sorted(m for m in imported if m.split(".")[0] in ("typer", "click", "rich")) == []
    assert done.stdout == typer_rendering(arg, "80")


@pytest.mark.parametrize("columns", ["80", "120", "60"])
@pytest.mark.parametrize("arg", ["--help", "-h"])
def test_help_prints_what_typer_prints(arg: str, columns: str) -> None:
    done = subprocess.run([STACKCTL, arg], capture_output=True, text=True, env=environment(columns))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == typer_rendering(arg, columns)
    assert done.stdout.startswith("Usage: stackctl [OPTIONS] COMMAND [ARGS]...\n")


@pytest.mark.parametrize("columns", ["80", "60"])  # the fast path, then typer
def test_a_closed_stdout_exits_1_quietly(columns: str) -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [STACKCTL, "--help"], stdout=write, stderr=subprocess.PIPE, env=environment(columns)
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, b"")
