"""Plan: a pure diff of the desired resources against state (+ refresh) -> Plan.

Nothing here reads files or talks to a store: the caller passes the desired resources,
the state snapshot, what refresh saw and the journal of interrupted changes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from stackctl.engine.changes import Change, Drift, Interrupted, Plan, PlanOptions
from stackctl.engine.diff import attribute_changes, same
from stackctl.engine.moves import Refactor, refactor
from stackctl.engine.order import depths, select
from stackctl.errors import NotFoundError, PlanError
from stackctl.model import Action, MovedBlock, RemovedBlock, Resource, State

ReplaceKeys = Callable[[str, str], frozenset[str]]


def make_plan(
    desired: Mapping[str, Resource],
    state: State,
    *,
    options: PlanOptions = PlanOptions(),
    protected: Collection[str] = (),
    config_digest: str = "",
    drift: Sequence[Drift] = (),
    journal: Sequence[Mapping[str, Any]] = (),
    replace_keys: ReplaceKeys = lambda _t, _f: frozenset(),
    project: str = "",
    moved: Sequence[MovedBlock] = (),
    removed: Sequence[RemovedBlock] = (),
) -> Plan:
    """Diff ``desired`` against ``state`` (after its ``moved`` renames, engine/moves.py);
    raise PlanError when prevent_destroy forbids it or a move cannot happen."""
    recorded = state
    refactored = refactor(state, moved, removed)
    state = refactored.state
    _check_addresses(options, desired, state)
    wanted = dict(desired)
    if options.destroy:  # the default stack survives a destroy: it always exists
        wanted = {a: r for a, r in desired.items() if a in protected and a in state.resources}
    interrupted = tuple(
        Interrupted(str(e["address"]), str(e["action"]), str(e.get("since", ""))) for e in journal
    )
    notes = {i.address: i.describe() for i in interrupted}
    renamed = {old: new for new, old in refactored.previous.items()}
    missing = {renamed.get(d.address, d.address): d.detail for d in drift if not d.exists}
    changes: list[Change] = []
    unchanged = 0
    for address in {*wanted, *state.resources}:
        change = _change(
            address,
            wanted.get(address),
            state.resources.get(address),
            options,
            missing,
            protected,
            replace_keys,
        )
        change = _refactored(address, change, refactored, recorded, wanted)
        if change is None:
            unchanged += 1
            continue
        if address in notes:
            change = Change(
                change.address,
                change.action,
                f"{notes[address]}; {change.reason}",
                change.before,
                change.after,
                change.attributes,
                change.previous_address,
            )
        changes.append(change)
    graph_deps = {a: r.depends_on for a, r in state.resources.items()}
    graph_deps.update({a: r.depends_on for a, r in wanted.items()})
    kept = select(graph_deps, options)
    if kept is not None:
        unchanged += sum(1 for c in changes if c.address not in kept)
        changes = [c for c in changes if c.address in kept]
    _check_prevent_destroy(changes, options)
    depth = depths(graph_deps)
    deletes = sorted(
        (c for c in changes if c.action is Action.DELETE),
        key=lambda c: (-depth.get(c.address, 0), c.address),
    )
    others = sorted(
        (c for c in changes if c.action is not Action.DELETE),
        key=lambda c: (depth.get(c.address, 0), c.address),
    )
    edges = tuple(sorted((d, a) for a, r in wanted.items() for d in r.depends_on))
    return Plan(
        lineage=state.lineage,
        serial=state.serial,
        config_digest=config_digest,
        changes=(*deletes, *others),
        unchanged=unchanged,
        drift=tuple(drift),
        interrupted=interrupted,
        edges=edges,
        options=options,
        project=project,
    )


def _change(
    address: str,
    after: Resource | None,
    before: Resource | None,
    options: PlanOptions,
    missing: Mapping[str, str],
    protected: Collection[str],
    replace_keys: ReplaceKeys,
) -> Change | None:
    if before is None:
        if after is None or options.destroy:
            return None
        attrs = attribute_changes(None, after, frozenset())
        return Change(address, Action.CREATE, "declared, not yet created", None, after, attrs)
    if after is None:
        if address in protected:  # never destroyed, see docs/cli.md
            return None
        reason = "destroy requested" if options.destroy else "no longer declared in the config"
        attrs = attribute_changes(before, None, frozenset())
        return Change(address, Action.DELETE, reason, before, None, attrs)
    if options.destroy:
        return None
    if address in missing:
        reason = f"missing in reality ({missing[address]}); it will be created again"
        return Change(
            address, Action.CREATE, reason, None, after, attribute_changes(None, after, frozenset())
        )
    keys = replace_keys(after.type, after.flavor) if after.flavor else frozenset()
    attrs = attribute_changes(before, after, keys)
    if address in options.replace:
        return Change(
            address, Action.REPLACE, "replacement requested with --replace", before, after, attrs
        )
    if same(before, after):
        return None
    if before.flavor != after.flavor:
        reason = f"flavor changed ({before.flavor} -> {after.flavor})"
        return Change(address, Action.REPLACE, reason, before, after, attrs)
    forcing = [a.path for a in attrs if a.forces_replacement]
    if forcing:
        reason = f"{', '.join(forcing)} forces replacement"
        return Change(address, Action.REPLACE, reason, before, after, attrs)
    paths = [a.path for a in attrs]
    shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    return Change(address, Action.UPDATE, f"{shown} changed", before, after, attrs)


def _refactored(
    address: str,
    change: Change | None,
    refactored: Refactor,
    recorded: State,
    wanted: Mapping[str, Resource],
) -> Change | None:
    """The change as `moved:` / `removed:` make it: a delete of a removed-not-destroyed
    resource is a forget; a moved one names its previous address and its ``before`` is
    the record state holds there (it is a change even when nothing else differs: its
    record moves)."""
    previous = refactored.previous.get(address)
    before = recorded.resources[previous] if previous else None
    if address in refactored.forget and change is not None and change.action is Action.DELETE:
        reason = refactored.forget[address]
        return Change(address, Action.FORGET, reason, before or change.before, None, (), previous)
    if previous is None or before is None:
        return change
    if change is None:
        # Unchanged apart from the address: the record moves, outputs and all.
        declared = wanted.get(address) or refactored.state.resources[address]
        after = replace(declared, outputs=dict(before.outputs))
        return Change(address, Action.NOOP, f"moved from {previous}", before, after, (), previous)
    reason = f"moved from {previous}; {change.reason}"
    return replace(change, before=before, previous_address=previous, reason=reason)


def _check_addresses(options: PlanOptions, desired: Mapping[str, Resource], state: State) -> None:
    known = {*desired, *state.resources}
    for flag, addresses in (
        ("--target", options.targets),
        ("--exclude", options.excludes),
        ("--replace", options.replace),
        ("--allow-destroy", options.allow_destroy),
    ):
        for address in addresses:
            if address not in known:
                from stackctl.config.schema import closest

                hint = closest(address, sorted(known)) or "see `stackctl state list`"
                raise NotFoundError(f"{flag} {address}: no such resource", hint=hint)


def _check_prevent_destroy(changes: Sequence[Change], options: PlanOptions) -> None:
    blocked = [
        c
        for c in changes
        if c.action in (Action.DELETE, Action.REPLACE)
        and c.address not in options.allow_destroy
        and any(r is not None and r.lifecycle.prevent_destroy for r in (c.before, c.after))
    ]
    if not blocked:
        return
    what = "; ".join(
        f"{c.address} would be {'destroyed' if c.action is Action.DELETE else 'replaced'} "
        f"({c.reason})"
        for c in blocked
    )
    flags = " ".join(f"--allow-destroy {c.address}" for c in blocked)
    raise PlanError(
        f"lifecycle.prevent_destroy forbids this plan: {what}",
        hint=f"if that is intended, rerun with {flags}; otherwise change the config so "
        "the resource is kept (prevent_destroy is remembered in state, so removing it "
        "from the YAML only takes effect after an apply that keeps the resource)",
    )
