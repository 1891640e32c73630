"""`stackctl completion [SHELL] [--install]`: typer's scripts, and they really complete."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import run_at_home

BIN = Path(sys.executable).parent


def stackctl(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_at_home(cwd, *args, env=env)


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o default -F _stackctl_completion stackctl"),
        ("zsh", "#compdef stackctl"),
        ("fish", "complete --command stackctl"),
        ("powershell", "Register-ArgumentCompleter -Native -CommandName stackctl"),
    ],
)
def test_prints_the_script_for_each_shell(tmp_path: Path, shell: str, marker: str) -> None:
    proc = stackctl(tmp_path, "completion", shell)
    assert proc.returncode == 0, proc.stderr
    assert marker in proc.stdout
    assert "_STACKCTL_COMPLETE" in proc.stdout


def test_an_unknown_shell_is_a_usage_error(tmp_path: Path) -> None:
    proc = stackctl(tmp_path, "completion", "tcsh")
    assert proc.returncode == 1
    assert "bash" in proc.stderr and "Traceback" not in proc.stderr


def test_the_bash_protocol_completes_commands_and_subcommands(tmp_path: Path) -> None:
    def complete(words: str) -> list[str]:
        parts = words.split(" ")
        proc = stackctl(
            tmp_path,
            env={
                "_STACKCTL_COMPLETE": "complete_bash",
                "COMP_WORDS": words,
                "COMP_CWORD": str(len(parts) - 1),
            },
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.split()

    assert "artifact-store" in complete("stackctl artifact-st")
    assert complete("stackctl stack se") == ["set"]
    assert "completion" in complete("stackctl comp")


def test_install_writes_the_script_into_the_shell_startup_files(tmp_path: Path) -> None:
    proc = stackctl(tmp_path, "completion", "bash", "--install")
    assert proc.returncode == 0, proc.stderr
    assert "bash completion installed" in proc.stdout
    script = next((tmp_path / ".bash_completions").glob("stackctl*"))
    assert "_stackctl_completion" in script.read_text()
    assert str(script.name) in (tmp_path / ".bashrc").read_text()


def test_without_a_name_the_shell_is_detected(tmp_path: Path) -> None:
    # run from a bash parent, as a user's terminal would
    proc = subprocess.run(
        ["bash", "-c", f"{BIN / 'stackctl'} completion | tail -n 1"],
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "complete -o default -F _stackctl_completion stackctl"
