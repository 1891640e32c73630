"""`moved:` and `removed:` blocks applied to a state snapshot, before the diff (pure).

Terraform's semantics: a move renames what state records (``from`` -> ``to``, chains
followed to their end), so the diff compares the new address's declaration with the old
record: no destroy, no create, at most an update. A ``from`` that state does not hold is
a no-op (the entry stays for other checkouts' states). A removal with ``destroy: false``
makes the resource a *forget*: state drops it, its provisioner is never called (so is a
pipeline record left by an older stackctl: pipelines are not resources any more).
Static rules (types, duplicates, cycles) are config/refactors.py's; here only what needs
state: moving onto an address state already holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field, replace

from stackctl.errors import PlanError
from stackctl.frozen import frozen
from stackctl.model import MovedBlock, RemovedBlock, Resource, State


@frozen
class Refactor:
    """State as the moves make it, and what the plan must say about it."""

    state: State
    #: new address -> the address state records it under
    previous: Mapping[str, str] = field(default_factory=dict)
    #: address -> why state forgets it (a `removed:` block with destroy false, or a
    #: pipeline record from before pipelines left plan/apply)
    forget: Mapping[str, str] = field(default_factory=dict)


def chains(moved: Sequence[MovedBlock]) -> dict[str, MovedBlock]:
    """``from`` -> the last block of its chain (a -> b, b -> c gives a: (b -> c));
    the blocks are acyclic (config/refactors.py checked)."""
    by_source = {b.source: b for b in moved}
    ends: dict[str, MovedBlock] = {}
    for source, block in by_source.items():
        seen = {source}
        while block.to in by_source and block.to not in seen:
            seen.add(block.to)
            block = by_source[block.to]
        ends[source] = block
    return ends


def refactor(
    state: State, moved: Sequence[MovedBlock], removed: Sequence[RemovedBlock] = ()
) -> Refactor:
    """Rename state's records per ``moved``; PlanError (with the block's location) when
    a move lands on an address state already holds or two records land on one."""
    ends = chains(moved)
    renames: dict[str, str] = {}
    landed: dict[str, str] = {}
    for source in sorted(ends):
        if source not in state.resources:
            continue  # stale entry: kept for other states, nothing to do here
        block = ends[source]
        target = block.to
        if target in state.resources and target not in ends:
            raise PlanError(
                f"cannot move {source} to {target}: state already records {target}",
                location=block.location,
                hint=f"drop this moved entry, or forget the other one first: "
                f"`stackctl state rm {target}`",
            )
        if target in landed:
            raise PlanError(
                f"cannot move both {landed[target]} and {source} to {target}: state records both",
                location=block.location,
                hint="`stackctl state rm` one of them, or drop one moved entry",
            )
        landed[target] = source
        renames[source] = target
    if not renames:
        return Refactor(state, {}, _forget(state.resources, removed))
    resources: dict[str, Resource] = {}
    for address, record in state.resources.items():
        new = renames.get(address, address)
        deps = tuple(renames.get(d, d) for d in record.depends_on)
        if new != address or deps != record.depends_on:
            record = replace(record, address=new, name=new.split(".", 1)[1], depends_on=deps)
        resources[new] = record
    moved_state = State(state.lineage, state.serial, resources)
    return Refactor(
        moved_state, {new: old for old, new in renames.items()}, _forget(resources, removed)
    )


#: Pipelines are not resources: `run` uses the YAML as it is (docs/cli.md). Records an
#: older stackctl applied are forgotten, never "destroyed" (nothing real exists).
PIPELINE_RECORD = "pipelines are not applied (runs use the YAML as it is): state forgets the record"
REMOVED = "`removed:` with destroy false (state forgets it; it is not destroyed)"


def _forget(resources: Mapping[str, Resource], removed: Sequence[RemovedBlock]) -> dict[str, str]:
    forget = {a: PIPELINE_RECORD for a, r in resources.items() if r.type == "pipeline"}
    forget.update({r.source: REMOVED for r in removed if not r.destroy and r.source in resources})
    return forget
