"""The work behind `state rm` and `state restore` (each under the write lock)."""

from __future__ import annotations

from stackctl.cli import render
from stackctl.errors import NotFoundError
from stackctl.model import Resource, State
from stackctl.state.base import StateStore


def find(state: State, address: str) -> Resource:
    if address not in state.resources:
        from stackctl.config.schema import closest

        raise NotFoundError(
            f"{address} is not in state",
            hint=closest(address, list(state.resources)) or "see `stackctl state list`",
        )
    return state.resources[address]


def remove(store: StateStore, address: str, lock_timeout: float) -> State:
    with store.lock("state rm", lock_timeout) as lock:
        find(store.read(), address)
        return store.commit(
            deletes=[address],
            operation="state rm",
            who=lock.who,
            summary=f"removed {address} from state",
        )


def restore(
    store: StateStore, serial: int, lock_timeout: float, auto_approve: bool
) -> State | None:
    """Show the restore as a plan over state, ask (unless auto_approve), then commit it."""
    import typer

    from stackctl.cli.plan_render import render_text
    from stackctl.engine.plan import make_plan
    from stackctl.state.restore import restore_serial

    with store.lock("state restore", lock_timeout) as lock:
        current = store.read()
        old = store.state_at(serial)
        plan = make_plan(dict(old.resources), current)
        render.out(
            f"state restore {serial} changes only what state records (reality is untouched):"
        )
        render.out(render_text(plan))
        if not plan.changes:
            return current
        if (
            not auto_approve
            and typer.prompt("Restore? Only 'yes' will be accepted", default="").strip() != "yes"
        ):
            return None
        return restore_serial(store, serial, who=lock.who)
