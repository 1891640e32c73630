"""The typer app: the root `stackctl` group, its options, and the grouped commands' loaders.

Every command is registered lazily from cli/lazy.py's ``COMMANDS``. ``main()`` in
cli/app.py runs this app (and is the one error edge); the plain ``stackctl --help``
does not import it at all (cli/fast_help.py prints the root help generated from it).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from stackctl.cli import coercion
from stackctl.cli.lazy import LazyGroup

coercion.install()  # option values without importing pydantic (cli/coercion.py)

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
