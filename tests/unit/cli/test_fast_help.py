"""cli/fast_help.py: `stackctl --help` printed without typer is exactly typer's rendering.

Both renderings run in-process here; tests/e2e/test_help_without_typer.py runs the real command.
"""

from __future__ import annotations

import shutil
import sys
import types

import pytest
import typer.main

from stackctl.cli import fast_help
from stackctl.cli.app import main
from stackctl.cli.fast_help_text import TEXT
from stackctl.cli.root import app


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if `stackctl` were run from a shell: a script as __main__, no typer switches."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    for name in fast_help.TYPER_SWITCHES:
        monkeypatch.delenv(name, raising=False)


def typer_help(arg: str, capsys: pytest.CaptureFixture[str]) -> str:
    """What typer prints for `stackctl ARG` (the fast path is in main(), not in the app)."""
    code = typer.main.get_command(app).main([arg], prog_name="stackctl", standalone_mode=False)
    assert code == 0
    return capsys.readouterr().out


def main_output(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("columns", ["80", "120", "200"])
@pytest.mark.parametrize("arg", ["--help", "-h"])
def test_the_fast_help_is_typers_help_byte_for_byte(
    arg: str, columns: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    expected = typer_help(arg, capsys)
    monkeypatch.setitem(sys.modules, "stackctl.cli.root", None)  # importing typer's app fails
    assert main_output(["/venv/bin/stackctl", arg], monkeypatch, capsys) == expected
    assert expected == TEXT


@pytest.mark.parametrize("arg", ["--help", "-h"])
def test_a_narrow_terminal_gets_typers_own_wrapping(
    arg: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    expected = typer_help(arg, capsys)
    assert fast_help.root_help(["stackctl", arg]) is None
    assert main_output(["stackctl", arg], monkeypatch, capsys) == expected
    assert expected != TEXT  # wrapped at 58 columns, not 78


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["stackctl", "--help", "-v"], {}),
        (["stackctl", "-v", "--help"], {}),
        (["stackctl", "runs", "--help"], {}),
        (["stackctl"], {}),
        (["stackctl", "--help"], {"COLUMNS": "79"}),
        (["/bin/stackctl-dev", "--help"], {}),  # click would show stackctl-dev
        (["stackctl", "--help"], {"_STACKCTL_COMPLETE": "bash_source"}),
        (["stackctl", "-h"], {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}),
    ],
)
def test_anything_else_is_left_to_typer(
    argv: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert fast_help.root_help(argv) is None


def test_python_m_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m pkg` makes click show "python -m pkg" as the program name."""
    monkeypatch.setenv("COLUMNS", "100")
    assert fast_help.root_help(["stackctl", "--help"]) == TEXT
    module = types.ModuleType("__main__")
    module.__package__ = "stackctl"
    monkeypatch.setitem(sys.modules, "__main__", module)
    assert fast_help.root_help(["stackctl", "--help"]) is None


@pytest.mark.parametrize("columns", [None, "", "0", "-5", "wide", "79", "80", " 132 "])
def test_terminal_columns_are_the_ones_click_reads(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    for lines in (None, "40"):
        if lines is None:
            monkeypatch.delenv("LINES", raising=False)
        else:
            monkeypatch.setenv("LINES", lines)
        assert fast_help.terminal_columns() == shutil.get_terminal_size().columns
