"""The work behind `state rm`, `state mv` and `state restore` (each under the write lock)."""

from __future__ import annotations

from stackctl.cli import render
from stackctl.errors import NotFoundError, PlanError
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


def move(store: StateStore, src: str, dst: str, lock_timeout: float, dry_run: bool) -> State:
    """Re-address the record of ``src`` as ``dst`` (same type; ``dst`` not in state).

    Only state changes, as with Terraform's `state mv`: records that depend on ``src``
    keep naming it until the next apply of a config that uses ``dst``. A dry run checks
    everything under the lock and commits nothing.
    """
    from dataclasses import replace

    with store.lock("state mv", lock_timeout) as lock:
        state = store.read()
        record = find(state, src)
        kind, _, name = dst.partition(".")
        if not name or kind != record.type:
            why = f"the types differ ({record.type} -> {kind})" if name else "it is not an address"
            raise PlanError(
                f"cannot move {src} to {dst}: {why}; a record moves only within its type",
                hint=f"give the destination as {record.type}.NEW_NAME",
            )
        from stackctl.catalog.components import check_name

        check_name(name, record.type)
        if dst in state.resources:
            raise PlanError(
                f"cannot move {src} to {dst}: {dst} is already in state",
                hint=f"forget it first if it is stale: `stackctl state rm {dst}`",
            )
        if dry_run:
            return state
        return store.commit(
            upserts=[replace(record, address=dst, name=name)],
            deletes=[src],
            operation="state mv",
            who=lock.who,
            summary=f"moved {src} to {dst}",
            changes=[{"address": src, "action": ["move"], "to": dst}],
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
