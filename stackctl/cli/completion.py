"""`stackctl completion [SHELL] [--install]`: shell completion, straight from typer.

typer already ships `--install-completion` / `--show-completion` on the root command; this
command exists because those auto-detect the shell from the parent process, which is wrong
in CI images, Dockerfiles and dotfile generators. Naming the shell makes it explicit:
`stackctl completion zsh > ~/.zfunc/_stackctl`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from stackctl.cli import render

PROG = "stackctl"
COMPLETE_VAR = "_STACKCTL_COMPLETE"  # click's convention: _<PROG>_COMPLETE


class Shell(StrEnum):
    """Shells typer can complete for."""

    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


def register(app: typer.Typer) -> None:
    app.command("completion")(completion)


def completion(
    shell: Annotated[
        Shell | None,
        typer.Argument(help="bash, zsh, fish or powershell (default: detect the current one)."),
    ] = None,
    install: Annotated[
        bool,
        typer.Option("--install", help="Write the script into the shell's startup files."),
    ] = False,
) -> None:
    """Print (or --install) the shell completion script for stackctl.

    bash: `eval "$(stackctl completion bash)"` in ~/.bashrc; zsh:
    `stackctl completion zsh > "${fpath[1]}/_stackctl"`; fish:
    `stackctl completion fish > ~/.config/fish/completions/stackctl.fish`.
    """
    # typer keeps these helpers in a private module; they are the very functions behind
    # its public --show-completion / --install-completion, so the scripts stay identical.
    from typer import _completion_shared as shared

    name = shell.value if shell else _detect()
    if install:
        installed, path = shared.install(shell=name, prog_name=PROG, complete_var=COMPLETE_VAR)
        render.out(f"{installed} completion installed in {path}; open a new shell to use it")
        return
    render.out(shared.get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=name))


def _detect() -> str:
    """The current shell's name, or a usage error that says how to name it."""
    import os
    from pathlib import Path

    from typer import _completion_shared as shared

    from stackctl.errors import StackctlError

    # typer asks shellingham (the parent process); $SHELL is the fallback for CI runners
    detected = shared._get_shell_name() or Path(os.environ.get("SHELL", "")).name
    if detected == "pwsh":
        detected = "powershell"
    if detected not in Shell.__members__:
        choices = "|".join(Shell.__members__)
        raise StackctlError(
            f"cannot tell which shell to complete for (found {detected or 'none'!r})",
            hint=f"name it: `stackctl completion {choices}`",
        )
    return detected
