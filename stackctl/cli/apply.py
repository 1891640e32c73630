"""`stackctl apply [PLANFILE]`: make reality and state match the configuration."""

from __future__ import annotations

import typer

from stackctl.cli import options
from stackctl.cli import plan_options as po


def register(app: typer.Typer) -> None:
    app.command("apply")(apply)


def apply(
    plan_file: po.PlanFile = None,
    auto_approve: po.AutoApprove = False,
    destroy: po.Destroy = False,
    target: po.Targets = None,
    exclude: po.Excludes = None,
    replace: po.Replaces = None,
    allow_destroy: po.AllowDestroy = None,
    var: options.Vars = None,
    var_file: options.VarFiles = None,
    refresh: po.Refresh = True,
    lock_timeout: options.LockTimeout = 0.0,
) -> None:
    """Apply a saved plan exactly, or plan now and apply after approval."""
    from stackctl.cli.applying import apply_command

    apply_command(
        "apply",
        po.plan_options(
            destroy=destroy,
            target=target,
            exclude=exclude,
            replace=replace,
            allow_destroy=allow_destroy,
            refresh=refresh,
        ),
        var=var,
        var_file=var_file,
        plan_file=plan_file,
        auto_approve=auto_approve,
        lock_timeout=lock_timeout,
    )
