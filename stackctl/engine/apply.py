"""Apply: execute a plan under the state lock, committing each finished change at once.

Order comes from the plan (deletes first in reverse dependency order, then the rest in
dependency order). Changes that touch the real world (their flavor has a provisioner)
are journaled before they start and committed one by one as they finish, so a failure,
Ctrl-C or kill -9 leaves state true to what was done, and the next plan completes the
rest. Changes that only record something (stacks, pipelines, the local orchestrators)
are committed in batches: nothing real happened, so losing a batch loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from stackctl.config.secrets import Secrets, reveal
from stackctl.engine.changes import Change, Plan
from stackctl.engine.flavors import provisioner
from stackctl.errors import ProvisionError, StackctlError, StalePlanError
from stackctl.model import Action, Resource, State
from stackctl.state.base import StateStore

BATCH = 1000  # record-only changes per commit
Approve = Callable[[Plan], bool]
Progress = Callable[[Change, str], None]  # (change, "start" | "done")


@dataclass(frozen=True)
class ApplyResult:
    plan: Plan
    done: tuple[Change, ...]
    state: State
    approved: bool = True


def check_fresh(plan: Plan, state: State, config_digest: str) -> None:
    """Refuse a plan made against another state, an older serial or another config."""
    hint = "make and review a new plan: `stackctl plan --out FILE`"
    if plan.lineage != state.lineage:
        raise StalePlanError(
            f"stale plan: it was made for another state (lineage {plan.lineage}, "
            f"this state is {state.lineage})",
            hint=hint,
        )
    if plan.serial != state.serial:
        raise StalePlanError(
            f"stale plan: the state moved since the plan was made (serial {plan.serial} "
            f"-> {state.serial}); someone applied in between",
            hint=hint,
        )
    if plan.config_digest != config_digest:
        raise StalePlanError(
            "stale plan: the configuration changed since the plan was made", hint=hint
        )


def apply(
    store: StateStore,
    plan: Plan | Callable[[State], Plan],
    *,
    config_digest: str,
    root: Path,
    secrets: Secrets,
    lock_timeout: float = 0.0,
    operation: str = "apply",
    approve: Approve = lambda _plan: True,
    progress: Progress = lambda _c, _s: None,
) -> ApplyResult:
    """Take the lock, (re)check or make the plan against fresh state, ask ``approve``,
    then run it. ``plan`` is a saved Plan or a function making one from state."""
    with store.lock(operation, lock_timeout) as lock:
        state = store.read()
        the_plan = plan(state) if callable(plan) else plan
        check_fresh(the_plan, state, config_digest)
        if the_plan.empty:
            return ApplyResult(the_plan, (), state)
        if not approve(the_plan):
            return ApplyResult(the_plan, (), state, approved=False)
        runner = _Runner(store, root, secrets, lock.who, operation, progress)
        runner.run(the_plan.changes)
        for entry in the_plan.interrupted:  # completed by this apply (or nothing to do)
            store.journal_end(entry.address)
        return ApplyResult(the_plan, tuple(runner.done), runner.state or state)


class _Runner:
    def __init__(
        self,
        store: StateStore,
        root: Path,
        secrets: Secrets,
        who: str,
        operation: str,
        progress: Progress,
    ) -> None:
        self.store, self.root, self.secrets = store, root, secrets
        self.who, self.operation, self.progress = who, operation, progress
        self.done: list[Change] = []
        self.pending: list[Change] = []
        self.state: State | None = None

    def run(self, changes: Sequence[Change]) -> None:
        try:
            for change in changes:
                if _record_only(change):
                    self.progress(change, "start")
                    self.pending.append(change)
                    self.done.append(change)
                    self.progress(change, "done")
                    if len(self.pending) >= BATCH:
                        self._flush()
                    continue
                self._flush()
                self._provision(change)
        finally:
            self._flush()

    def _commit(self, changes: Sequence[Change], summary: str) -> None:
        upserts = [c.after for c in changes if c.after is not None]
        deletes = [c.address for c in changes if c.after is None]
        self.state = self.store.commit(
            upserts=upserts,
            deletes=deletes,
            operation=self.operation,
            who=self.who,
            summary=summary,
            changes=[{"address": c.address, "action": c.action.json_actions} for c in changes],
        )

    def _flush(self) -> None:
        if self.pending:
            batch, self.pending = self.pending, []
            counts: dict[str, int] = {}
            for c in batch:
                verb = "+".join(c.action.json_actions)
                counts[verb] = counts.get(verb, 0) + 1
            self._commit(batch, ", ".join(f"{v} {n}" for v, n in sorted(counts.items())))

    def _provision(self, change: Change) -> None:
        verb = "+".join(change.action.json_actions)
        self.progress(change, "start")
        self.store.journal_begin(
            change.address, _journal_action(change.action), {"reason": change.reason}
        )
        try:
            result = self._call(change)
        except Exception as exc:
            self.store.journal_end(change.address)  # known failure: state is still true
            raise self._failed(change, exc) from None
        self._commit([replace(change, after=result)], f"{verb} {change.address}")
        self.store.journal_end(change.address)
        self.done.append(change)
        self.progress(change, "done")

    def _call(self, change: Change) -> Resource | None:
        before, after = change.before, change.after
        if before is not None and change.action in (Action.DELETE, Action.REPLACE):
            prov = provisioner(before.type, before.flavor)
            if prov is not None:
                prov.delete(reveal(before.config, self.secrets, change.address), self.root)
            if change.action is Action.REPLACE:  # the old one is gone whatever happens next
                self._commit([replace(change, after=None)], f"delete {change.address} (replace)")
        if after is None:
            return None
        prov = provisioner(after.type, after.flavor)
        config = reveal(after.config, self.secrets, change.address)
        if prov is None:
            return after
        if change.action is Action.UPDATE and before is not None:
            old = reveal(before.config, self.secrets, change.address)
            outputs = prov.update(old, config, self.root)
        else:
            outputs = prov.create(config, self.root)
        return replace(after, outputs=dict(outputs or {}))

    def _failed(self, change: Change, exc: Exception) -> StackctlError:
        verb = {"create": "creating", "update": "updating", "replace": "replacing"}.get(
            _journal_action(change.action), "deleting"
        )
        done = f"{len(self.done)} change(s) were applied and recorded in state"
        hint = "fix the cause, then `stackctl plan` shows what remains"
        if isinstance(exc, StackctlError):
            return ProvisionError(
                f"{verb} {change.address} failed: {exc.message}; {done}", hint=exc.hint or hint
            )
        return ProvisionError(
            f"{verb} {change.address} failed: {type(exc).__name__}: {exc}; {done}", hint=hint
        )


def _record_only(change: Change) -> bool:
    """True when neither side has a provisioner: applying only records it in state."""
    return all(
        r is None or provisioner(r.type, r.flavor) is None for r in (change.before, change.after)
    )


def _journal_action(action: Action) -> str:
    return {Action.CREATE: "create", Action.UPDATE: "update", Action.REPLACE: "replace"}.get(
        action, "delete"
    )
