"""The `stackctl` command's entry point: runs the typer app and is the one error edge.

``main()`` maps errors to the exit codes of DESIGN.md: StackctlError -> its exit_code
(1 config/usage, 3 locked, 4 stale plan), KeyboardInterrupt -> 130, anything else ->
"unexpected error" and 1 (``--verbose`` / STACKCTL_DEBUG=1 shows the traceback).

The typer app itself is in cli/root.py; this module imports nothing heavy, so that the
plain ``stackctl --help`` prints without importing typer (cli/fast_help.py).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: importing typing costs `stackctl --help` ~10 ms
if TYPE_CHECKING:
    from typing import Any


def main() -> None:
    """Console-script entry point: the single place errors become exit codes."""
    from stackctl.cli.fast_help import root_help, write

    text = root_help(sys.argv)
    if text is not None:  # the plain `stackctl --help`: printed without importing typer
        sys.exit(write(text))
    from stackctl.cli import signals
    from stackctl.cli.root import app
    from stackctl.errors import StackctlError
    from stackctl.startup import freeze_startup

    signals.install()
    freeze_startup("cli")  # typer, click, rich and the commands: start-up state
    try:
        # standalone_mode=False makes typer *return* the code of a `typer.Exit(n)`
        code = app(standalone_mode=False)
        sys.exit(signals.exit_code(code) if isinstance(code, int) else 0)
    except StackctlError as exc:
        _report(exc)
        sys.exit(exc.exit_code)
    except signals.Terminated:
        sys.exit(signals.exit_code(130))
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # the last resort: never a bare traceback for users
        import click
        import typer

        # typer >= 0.20 vendors click: its usage errors subclass typer.TyperException and
        # its Exit/Abort are typer's own classes, not click's
        if isinstance(exc, click.exceptions.Exit | typer.Exit):
            sys.exit(signals.exit_code(exc.exit_code))
        if isinstance(exc, click.ClickException | typer.TyperException):
            show = getattr(exc, "show", None)
            show() if show else sys.stderr.write(f"error: {exc}\n")
            sys.exit(1 if exc.exit_code == 2 else exc.exit_code)
        if isinstance(exc, click.exceptions.Abort | typer.Abort):
            sys.stderr.write("aborted\n")
            sys.exit(1)
        if os.environ.get("STACKCTL_DEBUG"):
            raise
        sys.stderr.write(
            f"unexpected error: {type(exc).__name__}: {exc}\n"
            "  hint: rerun with --verbose and report it with the traceback\n"
        )
        sys.exit(1)


def _report(exc: Exception) -> None:
    from stackctl.errors import StackctlError

    assert isinstance(exc, StackctlError)
    if os.environ.get("STACKCTL_DEBUG"):
        import traceback

        traceback.print_exception(exc)
    if os.environ.get("STACKCTL_ERROR_FORMAT") == "json":
        import json

        sys.stderr.write(json.dumps(exc.to_json()) + "\n")
    else:
        sys.stderr.write(exc.render() + "\n")


def __getattr__(name: str) -> Any:
    """``stackctl.cli.app.app``, the typer app, still importable (it lives in cli/root.py)."""
    if name == "app":
        from stackctl.cli.root import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
