"""The `stackctl` command: registers every command group and is the one error edge.

``main()`` maps errors to the exit codes of DESIGN.md: StackctlError -> its exit_code
(1 config/usage, 3 locked, 4 stale plan), KeyboardInterrupt -> 130, anything else ->
"unexpected error" and 1 (``--verbose`` / STACKCTL_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from stackctl.cli.lazy import LazyGroup

# Sub-apps built for lazily loaded commands get the root's settings (cli/lazy.py).
LazyGroup.typer_settings = {"pretty_exceptions_enable": False, "rich_markup_mode": None}

app = typer.Typer(
    name="stackctl",
    help="ML stacks and pipelines as code: declare, plan, apply, run.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=LazyGroup,  # every command of cli/lazy.py's COMMANDS is imported on first use
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"stackctl {version('stackctl')}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks on errors.")
    ] = False,
    _version_flag: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    env: Annotated[
        str | None,
        typer.Option(
            "--env",
            help="Environment: envs/NAME.yaml's vars and its own state.",
            metavar="NAME",
            envvar="STACKCTL_ENV",
        ),
    ] = None,
) -> None:
    if verbose:
        os.environ["STACKCTL_DEBUG"] = "1"
    from stackctl.cli.context import invoked

    invoked(ctx.invoked_subcommand, env)


# Commands are registered in stackctl/cli/lazy.py (COMMANDS), imported on first use.


def register_state(app: typer.Typer) -> None:
    """`state` and its `migrate` command (two modules, one group)."""
    from stackctl.cli import state_cmd, state_migrate

    state_migrate.register(state_cmd.state_app)
    state_cmd.register(app)


def register_runs(app: typer.Typer) -> None:
    """`runs` and `artifacts`, with the named-artifact commands (four modules, two groups)."""
    from stackctl.cli import (
        artifacts_lineage,
        artifacts_prune,
        artifacts_show,
        artifacts_versions,
        runs,
        runs_compare,
        runs_delete,
    )

    for module in (artifacts_versions, artifacts_show, artifacts_lineage):
        module.register(runs.artifacts_app)
    runs_compare.register(runs.runs_app)
    artifacts_prune.register(runs.artifacts_app)
    runs_delete.register(runs.runs_app)
    runs.register(app)


def main() -> None:
    """Console-script entry point: the single place errors become exit codes."""
    from stackctl.cli import signals
    from stackctl.errors import StackctlError

    signals.install()
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
