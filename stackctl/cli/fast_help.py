"""`stackctl --help` without importing typer: the root help, generated from the real CLI.

Importing typer (with its vendored click) was most of what `stackctl --help` cost (~70 of
~95 ms). The root help is click's plain formatter output (root.py sets
``rich_markup_mode=None``), which depends only on the program name, the terminal width
and two environment variables; so the plain ``stackctl --help`` and ``stackctl -h`` print
``fast_help_text.TEXT``, which scripts/gen_cli_reference.py writes from the typer app's
own rendering. Everything else goes to typer, and so does every case in which click could
render the root help differently:

- another program name: click shows ``basename(sys.argv[0])``, or ``python -m NAME``;
- a terminal narrower than 80 columns: click wraps at ``min(columns, 80) - 2``;
- a shell-completion request (``_STACKCTL_COMPLETE``), or typer's switch that turns the
  completion options into choices (``_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION``);
- a text that is not ASCII (click may re-wrap a misconfigured stdout).

tests/unit/cli/test_fast_help.py compares the two byte for byte.
"""

from __future__ import annotations

import os
import sys

#: click's HelpFormatter wraps at min(columns, 80) - 2: terminals this wide all look alike
MIN_COLUMNS = 80
#: environment variables that make typer print something else for `stackctl --help`
TYPER_SWITCHES = ("_STACKCTL_COMPLETE", "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION")


def root_help(argv: list[str]) -> str | None:
    """The root help typer would print for ``argv``, or None when typer must render it."""
    if argv[1:] not in (["--help"], ["-h"]):
        return None
    # click's _detect_program_name: a file run directly shows basename(argv[0])
    if getattr(sys.modules.get("__main__"), "__package__", None) not in (None, ""):
        return None
    if os.path.basename(argv[0]) != "stackctl":  # noqa: PTH119 (as click; no pathlib import)
        return None
    if any(os.environ.get(name) for name in TYPER_SWITCHES):
        return None
    if terminal_columns() < MIN_COLUMNS:
        return None
    from stackctl.cli.fast_help_text import TEXT

    return TEXT if TEXT.isascii() else None


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, as click reads it (shutil imports re: ~10 ms)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    try:
        return (os.get_terminal_size(stdout.fileno()).columns if stdout else 0) or 80
    except (AttributeError, ValueError, OSError):
        return 80


def write(text: str) -> int:
    """Print ``text``; the exit code, 1 when stdout is a closed pipe (as typer does)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # what is left in the buffer goes nowhere, so exiting does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
