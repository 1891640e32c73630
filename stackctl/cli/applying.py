"""The apply flow shared by `apply`, `destroy`: approve, lock, execute, report."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from stackctl.cli import render
from stackctl.cli.planning import Planner
from stackctl.engine.changes import Change, Plan, PlanOptions
from stackctl.errors import StackctlError
from stackctl.project import STACK_ENV, Project

_DONE = {
    "+": "created",
    "~": "updated",
    "-/+": "replaced",
    "-": "destroyed",
    " ": "moved",
    ".": "forgotten (not destroyed)",
}


def require_approval_possible(auto_approve: bool, plan_file: Path | None, command: str) -> None:
    """Without a TTY nobody can answer the prompt: refuse instead of hanging or guessing."""
    if auto_approve or plan_file is not None or sys.stdin.isatty():
        return
    raise StackctlError(
        f"`stackctl {command}` needs approval, and there is no terminal to ask",
        hint=f"review a plan and pass --auto-approve (`stackctl {command} --auto-approve`), or "
        f"apply a reviewed plan file: `stackctl plan{' --destroy' if command == 'destroy' else ''}"
        " --out plan.json && stackctl apply plan.json`",
    )


def _ask(plan: Plan) -> bool:
    from stackctl.cli.plan_render import render_text

    render.out(render_text(plan))
    answer = typer.prompt(
        "Do you want to perform these actions? Only 'yes' will be accepted", default=""
    )
    return str(answer).strip() == "yes"


def _show(plan: Plan) -> bool:
    from stackctl.cli.plan_render import render_text

    render.out(render_text(plan))
    return True


def _progress(change: Change, stage: str) -> None:
    if stage == "done":
        done = "imported" if change.importing is not None else _DONE[change.action.value]
        if change.previous_address:
            done += (
                f" from {change.previous_address}"
                if done == "moved"
                else (f" (moved from {change.previous_address})")
            )
        render.out(f"{change.address}: {done}")


def apply_command(
    command: str,
    options: PlanOptions,
    *,
    var: list[str] | None,
    var_file: list[Path] | None,
    plan_file: Path | None,
    auto_approve: bool,
    lock_timeout: float,
) -> None:
    """The body of `apply` and `destroy`: refuse early when nobody can approve, then
    open the project and run the apply flow (a destroy when ``options.destroy``)."""
    from stackctl.cli.context import open_project

    require_approval_possible(auto_approve, plan_file, command)
    run_apply(
        open_project(var, var_file),
        options,
        plan_file=plan_file,
        auto_approve=auto_approve,
        lock_timeout=lock_timeout,
        operation="destroy" if options.destroy else "apply",
    )


def run_apply(
    project: Project,
    options: PlanOptions,
    *,
    plan_file: Path | None,
    auto_approve: bool,
    lock_timeout: float,
    operation: str,
) -> None:
    """Plan (or load the saved plan), get approval, apply, print the outcome."""
    from stackctl.engine import planfile
    from stackctl.engine.apply import apply

    saved = planfile.load(plan_file) if plan_file is not None else None
    env = project.env.name if project.env else ""
    if saved is not None:
        planfile.check_environment(saved, env)
    if env:
        render.out(f"Environment: {env}")
    planner = Planner(project, saved.options if saved else options)
    _ = planner.digest  # an invalid config fails here, before locking anything
    result = apply(
        project.state(),
        saved if saved is not None else planner.factory(),
        config_digest=planner.digest,
        root=project.root,
        desired=planner.desired,
        secrets=planner.secrets,
        lock_timeout=lock_timeout,
        operation=operation,
        approve=_show if (auto_approve or saved is not None) else _ask,
        progress=_progress,
        moved=project.spec.moved,
        removed=project.spec.removed,
    )
    if not result.approved:
        render.err("Apply cancelled: nothing was changed.")
        raise typer.Exit(1)
    if result.plan.empty:
        from stackctl.cli.plan_render import NO_CHANGES

        render.out(NO_CHANGES)
        return
    render.out("\n" + outcome_line(result.plan, operation))
    if operation == "destroy":
        note = reset_active_stack(project, result.done)
        if note:
            render.out(note)


def outcome_line(plan: Plan, operation: str) -> str:
    """Terraform's last line: `Apply complete! ...` or `Destroy complete! ...`."""
    n = plan.counts()
    if operation == "destroy":
        return f"Destroy complete! Resources: {n['destroy']} destroyed."
    extra = "".join(
        f", {n[k]} {word}" for k, word in (("move", "moved"), ("forget", "forgotten")) if n[k]
    )
    return (
        "Apply complete! Resources: "
        + (f"{n['import']} imported, " if n["import"] else "")
        + f"{n['add']} added, {n['change']} changed, "
        f"{n['replace']} replaced, {n['destroy']} destroyed{extra}."
    )


def reset_active_stack(project: Project, done: tuple[Change, ...]) -> str:
    """After a destroy: a checkout whose active stack is gone goes back to `default`."""
    from stackctl.model import DEFAULT_STACK, Action

    active = project.active_stack()
    gone = {c.address for c in done if c.action is Action.DELETE}
    if active == DEFAULT_STACK or f"stack.{active}" not in gone:
        return ""
    if os.environ.get(STACK_ENV):
        return (
            f"The active stack {active!r} (from $STACKCTL_STACK) was destroyed; "
            "unset STACKCTL_STACK or point it at an applied stack."
        )
    project.set_active_stack(DEFAULT_STACK)
    return f"The active stack {active!r} was destroyed; the active stack is now {DEFAULT_STACK!r}."
