"""`stackctl state list | show | rm | mv | history | restore`: inspect and edit state."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import options, render
from stackctl.cli import plan_options as po
from stackctl.timefmt import when

state_app = typer.Typer(help="Inspect and edit what state records.", no_args_is_help=True)
Address = Annotated[str, typer.Argument(help="A resource address such as stack.dev.")]


def register(app: typer.Typer) -> None:
    app.add_typer(state_app, name="state")


@state_app.command("list")
def list_(json: options.Json = False) -> None:
    """Every resource in state."""
    from stackctl.cli.context import open_project

    state = open_project().read_state().read()
    rows = [(r.address, r.type, r.flavor or "") for r in state.resources.values()]
    if json:
        render.emit_json([{"address": a, "type": t, "flavor": f or None} for a, t, f in rows])
    else:
        render.table(None, ["address", "type", "flavor"], rows)


@state_app.command("show")
def show(address: Address, json: options.Json = False) -> None:
    """One resource as recorded (secrets redacted)."""
    from stackctl.cli.context import open_project
    from stackctl.cli.show import resource_view
    from stackctl.cli.state_edit import find

    view = resource_view(find(open_project().read_state().read(), address))
    render.emit_json(view) if json else render.out(render.dump_yaml(view))


@state_app.command("rm")
def rm(address: Address, lock_timeout: options.LockTimeout = 0.0) -> None:
    """Forget a resource without touching reality (it is re-created by the next apply)."""
    from stackctl.cli.context import open_project
    from stackctl.cli.state_edit import remove

    state = remove(open_project().state(), address, lock_timeout)
    render.out(f"Removed {address} from state (serial {state.serial}); reality is untouched.")


@state_app.command("mv")
def mv(
    src: Annotated[str, typer.Argument(help="The address in state, e.g. artifact_store.old.")],
    dst: Annotated[str, typer.Argument(help="Its new address (same type): artifact_store.new.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and say what would move; change nothing.")
    ] = False,
    lock_timeout: options.LockTimeout = 0.0,
) -> None:
    """Move a record to another address of the same type (reality is untouched)."""
    from stackctl.cli.context import open_project
    from stackctl.cli.state_edit import move

    state = move(open_project().state(), src, dst, lock_timeout, dry_run)
    if dry_run:
        render.out(f"Would move {src} to {dst} (dry run: state is unchanged).")
    else:
        render.out(f"Moved {src} to {dst} in state (serial {state.serial}); reality is untouched.")


@state_app.command("history")
def history(json: options.Json = False) -> None:
    """Every committed change: serial, when, who, what."""
    from stackctl.cli.context import open_project

    entries = open_project().read_state().history()
    if json:
        render.emit_json([e.__dict__ for e in entries])
        return
    render.table(
        None,
        ["serial", "at", "who", "operation", "summary"],
        [(e.serial, when(e.at), e.who, e.operation, e.summary) for e in entries],
    )


@state_app.command("restore")
def restore(
    serial: Annotated[int, typer.Argument(help="The serial to go back to (`state history`).")],
    auto_approve: po.AutoApprove = False,
    lock_timeout: options.LockTimeout = 0.0,
) -> None:
    """Make the state of SERIAL current again, as a new commit, after review."""
    from stackctl.cli.applying import require_approval_possible
    from stackctl.cli.context import open_project
    from stackctl.cli.state_edit import restore as do_restore

    require_approval_possible(auto_approve, None, f"state restore {serial}")
    state = do_restore(open_project().state(), serial, lock_timeout, auto_approve)
    if state is None:
        render.err("Restore cancelled: nothing was changed.")
        raise typer.Exit(1)
    render.out(f"Restored serial {serial} as serial {state.serial}.")
