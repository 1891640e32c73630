"""`stackctl state migrate --to URL`: move the whole state to another backend.

Registered on the `state` group of state_cmd.py; its own module because the copy, its
approval and the "paste this next" block are one idea. The source is left as it was:
the move is complete only once stackctl.yaml names the new store.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stackctl.cli import options, render
from stackctl.errors import StackctlError, StateError

if TYPE_CHECKING:
    from stackctl.model import State, StateConfig
    from stackctl.project import Project
    from stackctl.state.base import StateDump

To = Annotated[
    str,
    typer.Option(
        "--to",
        metavar="URL",
        help="Where to: postgresql://user@host:5432/db, sqlite:///path/state.db or a path.",
        show_default=False,
    ),
]
AutoApprove = Annotated[
    bool, typer.Option("--auto-approve", help="Copy without asking (needed without a TTY).")
]
#: What the pasted `state:` block reads the PostgreSQL URL from (keeps it out of git).
PG_ENV = "STACKCTL_PG_URL"


def register(state_app: typer.Typer) -> None:
    state_app.command("migrate")(migrate)


def migrate(
    to: To,
    lock_timeout: options.LockTimeout = 0.0,
    auto_approve: AutoApprove = False,
    json: options.Json = False,
) -> None:
    """Copy the whole state (lineage, history, snapshots, runs) to another backend."""
    from stackctl.cli.context import open_project
    from stackctl.state.urls import config_from_url, describe

    project = open_project()
    target = config_from_url(to, Path.cwd())
    dump = copy_state(project, target, lock_timeout=lock_timeout, auto_approve=auto_approve)
    if dump is None:
        render.err("Migration cancelled: nothing was copied.")
        raise typer.Exit(1)
    where = {
        "from": describe(project.spec.state, project.root),
        "to": describe(target, project.root),
    }
    block = state_block(target, project.root)
    if json:
        render.emit_json({**_counts(dump), **where, "state": block})
        return
    _print_copied(dump, where, block)


def copy_state(
    project: Project, target: StateConfig, *, lock_timeout: float, auto_approve: bool
) -> StateDump | None:
    """Check, ask (on a TTY), then copy; None when the user said no."""
    from stackctl.state import open_state_store
    from stackctl.state.migrate import migrate_state, refuse_other_state
    from stackctl.state.urls import describe, store_key

    source, root = project.spec.state, project.root
    if store_key(source, root) == store_key(target, root):
        raise StateError(
            f"the state already lives in {describe(target, root)}",
            hint="pass --to a different database or file",
        )
    if not auto_approve and not sys.stdin.isatty():
        raise StackctlError(
            "`stackctl state migrate` needs approval, and there is no terminal to ask",
            hint="check the target, then rerun with --auto-approve",
        )
    current = project.read_state().read()
    if not current.lineage:  # the read-only store of a SQLite file not created yet
        raise StateError(
            f"there is no state to migrate yet in {describe(source, root)}",
            hint="point `state:` in stackctl.yaml at the new backend directly",
        )
    # Refused before asking, and before a SQLite target file is created.
    peek = open_state_store(target, root, read_only=True)
    try:
        refuse_other_state(peek, current.lineage)
    finally:
        peek.close()
    if not auto_approve and not _ask(current, describe(source, root), describe(target, root)):
        return None
    destination = open_state_store(target, root)
    try:
        return migrate_state(project.state(), destination, lock_timeout=lock_timeout)
    finally:
        destination.close()
        project.close()


def _print_copied(dump: StateDump, where: dict[str, str], block: dict[str, str]) -> None:
    n = _counts(dump)
    render.out(
        f"Copied state lineage {dump.lineage} at serial {dump.serial}: "
        f"{_many(n['resources'], 'resource')}, {_many(n['history'], 'history entry')}, "
        f"{_many(n['runs'], 'run')} ({_many(n['steps'], 'step')}, "
        f"{_many(n['artifacts'], 'artifact')})."
    )
    render.out(f"  from {where['from']} (left as it was)\n  to   {where['to']}")
    render.out("")
    render.out("Next, replace the `state:` block of stackctl.yaml with:")
    render.out("")
    render.out(render.dump_yaml({"state": block}))
    if block["backend"] == "postgres":
        render.out("")
        render.out(f"and set {PG_ENV}={where['to']} (with the password) wherever stackctl runs.")


def _ask(state: State, source: str, target: str) -> bool:
    render.out(
        f"This copies state lineage {state.lineage} (serial {state.serial}, "
        f"{len(state.resources)} resources, its history and every run record)\n"
        f"  from {source}\n  to   {target}"
    )
    answer = typer.prompt("Do you want to copy it? Only 'yes' will be accepted", default="")
    return str(answer).strip() == "yes"


def _many(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def _counts(dump: StateDump) -> dict[str, Any]:
    return {
        "lineage": dump.lineage,
        "serial": dump.serial,
        "resources": len(dump.resources),
        "history": len(dump.history),
        "runs": len(dump.runs),
        "steps": len(dump.steps),
        "artifacts": len(dump.artifacts),
    }


def state_block(target: StateConfig, root: Path) -> dict[str, str]:
    """The `state:` mapping of stackctl.yaml that names ``target`` (no secrets in it)."""
    from stackctl.state.urls import describe

    if target.backend == "postgres":
        return {"backend": "postgres", "url": "${oc.env:" + PG_ENV + "}"}
    return {"backend": target.backend, "path": describe(target, root)}
