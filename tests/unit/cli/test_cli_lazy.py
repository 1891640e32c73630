"""Lazy command registration: `--help` lists every command without importing it."""

from __future__ import annotations

import os
import subprocess
import sys

import typer.main

from stackctl.cli.lazy import COMMANDS, LazyGroup, summary
from stackctl.cli.root import app


def _root() -> LazyGroup:
    group = typer.main.get_command(app)
    assert isinstance(group, LazyGroup)
    return group


def test_every_listed_summary_is_the_one_the_command_itself_has() -> None:
    group = _root()
    ctx = group.make_context("stackctl", ["--help"], resilient_parsing=True)
    for name, (_, text) in COMMANDS.items():
        command = group.get_command(ctx, name)
        assert command is not None, name
        assert summary(command.help) == text, name
    # nothing registered that the table does not list (it would print last, unsorted)
    assert set(group.commands) == set(COMMANDS)


def test_help_imports_no_command_module() -> None:
    # 60 columns: typer renders the help (cli/fast_help.py only answers for >= 80)
    code = (
        "import sys\n"
        "sys.argv = ['stackctl', '--help']\n"
        "from stackctl.cli.app import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "prefixes = ('stackctl.cli.', 'stackctl.engine', 'stackctl.state', 'stackctl.model')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(prefixes))\n"
        "print(' '.join(loaded), file=sys.stderr)\n"
    )
    env = {**os.environ, "COLUMNS": "60"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert "Commands:" in done.stdout and "artifact-store" in done.stdout
    assert done.stderr.split() == [
        "stackctl.cli.app",
        "stackctl.cli.coercion",
        "stackctl.cli.fast_help",
        "stackctl.cli.lazy",
        "stackctl.cli.root",
        "stackctl.cli.signals",
    ]


def test_a_command_runs_and_shows_its_own_help() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from stackctl.cli.app import main; main()", "runs", "list", "-h"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "Runs, newest first." in done.stdout
