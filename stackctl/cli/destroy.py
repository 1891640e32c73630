"""`stackctl destroy`: plan --destroy, then apply (the default stack is always kept)."""

from __future__ import annotations

import typer

from stackctl.cli import options
from stackctl.cli import plan_options as po


def register(app: typer.Typer) -> None:
    app.command("destroy")(destroy)


def destroy(
    auto_approve: po.AutoApprove = False,
    target: po.Targets = None,
    allow_destroy: po.AllowDestroy = None,
    var: options.Vars = None,
    var_file: options.VarFiles = None,
    refresh: po.Refresh = True,
    lock_timeout: options.LockTimeout = 0.0,
) -> None:
    """Destroy every applied resource (or --target ones and their dependents)."""
    from stackctl.cli.applying import apply_command

    apply_command(
        "destroy",
        po.plan_options(destroy=True, target=target, allow_destroy=allow_destroy, refresh=refresh),
        var=var,
        var_file=var_file,
        plan_file=None,
        auto_approve=auto_approve,
        lock_timeout=lock_timeout,
    )
