"""A saved plan may only carry out what the configuration and state already say.

The plan file's checksum is unkeyed: it catches truncation and careless edits, not a
forger, who can recompute it. So apply never trusts a saved plan's values: besides the
freshness check (lineage, serial, config digest: ``engine.apply.check_fresh``), every
change's ``after`` must be exactly what the current configuration yields for that
address, and every ``before`` exactly what state records. A forged plan can therefore
only choose among changes the checkout would make anyway (which addresses, and for a
destroy plan what to remove); it cannot introduce a value, a path or a resource that no
config declares. See docs/state.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from stackctl.engine.changes import Plan
from stackctl.engine.moves import refactor
from stackctl.engine.planjson import resource_json
from stackctl.errors import StalePlanError, one_line
from stackctl.model import Action, MovedBlock, RemovedBlock, Resource, State

_HINT = "make and review a new plan from this checkout: `stackctl plan --out FILE`"


def _canonical(r: Resource, *, outputs: bool = True) -> str:
    # JSON form on both sides: a plan file turns tuples into lists, the config does not.
    doc: dict[str, Any] = resource_json(r)
    if not outputs:  # what provisioning reports, never desired; before's outputs count
        doc.pop("outputs", None)  # (a delete acts on them)
    return json.dumps(doc, sort_keys=True, default=str)


def check_consistent(
    plan: Plan,
    state: State,
    desired: Mapping[str, Resource],
    moved: Sequence[MovedBlock] = (),
    removed: Sequence[RemovedBlock] = (),
) -> None:
    """Refuse (StalePlanError, exit 4) a plan whose values are not this config's and
    this state's: a stale plan from another checkout, or a forged one. Its moves and
    forgets must be the ones this config's `moved:` / `removed:` blocks make."""
    refactored = refactor(state, moved, removed)
    for change in plan.changes:
        address = change.address
        if change.previous_address != refactored.previous.get(address):
            _refuse(f"its move of {address} is not what the `moved:` blocks say")
        if change.action is Action.FORGET and address not in refactored.forget:
            _refuse(f"it forgets {address}, which no `removed:` block says to forget")
        if change.after is not None:
            wanted = desired.get(address)
            if wanted is None:
                _refuse(f"it creates or updates {address}, which no config declares")
            elif _canonical(change.after, outputs=False) != _canonical(wanted, outputs=False):
                _refuse(f"its values for {address} are not what the configuration says")
        elif address in desired and not plan.options.destroy:
            _refuse(f"it deletes {address}, which the configuration declares")
        if change.before is not None:
            recorded = state.resources.get(change.previous_address or address)
            if recorded is None:
                _refuse(f"it changes {address}, which state does not record")
            elif _canonical(change.before) != _canonical(recorded):
                _refuse(f"its recorded values for {address} are not what state holds")
        elif change.after is None:
            _refuse(f"its change of {address} has neither a before nor an after")


def _refuse(why: str) -> None:
    raise StalePlanError(
        f"stale or foreign plan: {one_line(why)} (a plan applies only in the checkout and state it "
        "was made from)",
        hint=_HINT,
    )
