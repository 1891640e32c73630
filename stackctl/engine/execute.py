"""Execute a plan's changes: provisioners in dependency waves, each result committed at once.

Changes run in waves: all deletes of one dependency depth (dependents first), then all
creates/updates/replaces of one depth (dependencies first); members of a wave do not
depend on each other, so their provisioners run concurrently on a thread pool.
Every change that touches the real world is journaled before it starts; the main
thread commits whatever finished as soon as it finished (a group commit: one
transaction for everything that completed while the previous commit ran) and then
ends those journal entries. So a failure, Ctrl-C or kill -9 leaves state true to what
was done, and an entry left in the journal tells the next plan what to complete.
Record-only changes (no provisioner: stacks, local orchestrators; a move with nothing
else to change; a forget) ride along in those commits or in batches of BATCH: nothing
real happened for them.

Only the main thread touches the store; workers only call provisioners.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from itertools import groupby
from pathlib import Path

from stackctl.config.secrets import Secrets, reveal
from stackctl.engine.changes import Change, Plan
from stackctl.engine.flavors import provisioner
from stackctl.engine.order import depths
from stackctl.errors import ProvisionError, StackctlError
from stackctl.frozen import frozen
from stackctl.model import Action, State
from stackctl.state.base import StateStore

BATCH = 1000  # record-only changes per commit
Progress = Callable[[Change, str], None]  # (change, "start" | "done")


@frozen
class Outcome:
    """What one provisioner call did; ``commit`` is what state must now record."""

    change: Change
    commit: Change | None  # None: nothing happened that state must learn
    error: Exception | None = None


def call(change: Change, root: Path, secrets: Secrets) -> Outcome:
    """Run the provisioner(s) of one change (in a worker thread; never the store)."""
    before, after = change.before, change.after
    old_gone = False
    try:
        if before is not None and change.action in (Action.DELETE, Action.REPLACE):
            prov = provisioner(before.type, before.flavor)
            if prov is not None:
                prov.delete(reveal(before.config, secrets, change.address), root)
            old_gone = True
        if after is None:
            return Outcome(change, change)
        prov = provisioner(after.type, after.flavor)
        config = reveal(after.config, secrets, change.address)
        if prov is None:
            return Outcome(change, change)
        if change.importing is not None:  # an `import:` block: adopt, never create
            from stackctl.engine.imports import adopt

            return Outcome(
                change, replace(change, after=adopt(after, change.importing, root, secrets))
            )
        if change.action is Action.UPDATE and before is not None:
            outputs = prov.update(reveal(before.config, secrets, change.address), config, root)
        else:
            outputs = prov.create(config, root)
        return Outcome(change, replace(change, after=replace(after, outputs=dict(outputs or {}))))
    except Exception as exc:
        # A replace whose old half is gone must be recorded as deleted.
        gone = replace(change, action=Action.DELETE, after=None) if old_gone else None
        return Outcome(change, gone if change.action is Action.REPLACE else None, exc)


def _record_only(change: Change) -> bool:
    if change.action in (Action.NOOP, Action.FORGET):  # a move alone, or a forget
        return True
    return all(
        r is None or provisioner(r.type, r.flavor) is None for r in (change.before, change.after)
    )


def waves(plan: Plan) -> list[list[Change]]:
    """Consecutive changes of one phase (delete / other) and one dependency depth."""
    deps: dict[str, list[str]] = {}
    for a, b in plan.edges:
        deps.setdefault(b, []).append(a)
    for c in plan.changes:
        if c.before is not None and c.after is None:
            deps.setdefault(c.address, []).extend(c.before.depends_on)
    depth = depths(deps)

    def key(c: Change) -> tuple[bool, int]:
        return (c.action is Action.DELETE, depth.get(c.address, 0))

    return [list(group) for _, group in groupby(plan.changes, key=key)]


class Runner:
    def __init__(
        self,
        store: StateStore,
        root: Path,
        secrets: Secrets,
        who: str,
        operation: str,
        progress: Progress,
        parallelism: int = 8,
    ) -> None:
        self.store, self.root, self.secrets = store, root, secrets
        self.who, self.operation, self.progress = who, operation, progress
        self.parallelism = max(1, parallelism)
        self.done: list[Change] = []
        self.pending: list[Change] = []  # record-only, not yet committed
        self.state: State | None = None

    def run(self, plan: Plan) -> None:
        try:
            for wave in waves(plan):
                self._wave(wave)
        finally:
            self._commit([])

    def _wave(self, wave: Sequence[Change]) -> None:
        real = []
        for change in wave:
            if not _record_only(change):
                real.append(change)
                continue
            self.progress(change, "start")
            self.pending.append(change)
            if len(self.pending) >= BATCH:
                self._commit([])
        if not real:
            return
        for change in real:
            self.store.journal_begin(change.address, _verb(change), {"reason": change.reason})
            self.progress(change, "start")
        pool = ThreadPoolExecutor(min(self.parallelism, len(real)), "stackctl-apply")
        try:
            running: set[Future[Outcome]] = {
                pool.submit(call, c, self.root, self.secrets) for c in real
            }
            failed: list[Outcome] = []
            while running:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                outcomes = [f.result() for f in finished]
                ok = [o.commit for o in outcomes if o.error is None and o.commit is not None]
                half = [o.commit for o in outcomes if o.error is not None and o.commit is not None]
                self._commit(ok, half)
                for o in outcomes:
                    self.store.journal_end(o.change.address)  # committed, or known failed
                failed += [o for o in outcomes if o.error is not None]
        except BaseException:
            # Ctrl-C / SIGTERM: stop starting work; journal entries stay for the next plan.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        if failed:
            raise self._failed(failed[0])

    def _commit(self, changes: Sequence[Change], half_done: Sequence[Change] = ()) -> None:
        """One transaction for the pending record-only changes, ``changes`` (finished)
        and ``half_done`` (failed replaces whose old half is gone)."""
        finished = [*self.pending, *changes]
        batch, self.pending = [*finished, *half_done], []
        if not batch:
            return
        self.state = self.store.commit(
            upserts=[c.after for c in batch if c.after is not None],
            # A moved record leaves its previous address in the same transaction.
            deletes=[
                c.previous_address or c.address
                for c in batch
                if c.after is None or c.previous_address
            ],
            operation=self.operation,
            who=self.who,
            summary=_summary(batch),
            changes=[_entry(c) for c in batch],
        )
        for change in finished:
            self.done.append(change)
            self.progress(change, "done")

    def _failed(self, outcome: Outcome) -> StackctlError:
        change, exc = outcome.change, outcome.error
        verb = {"create": "creating", "update": "updating", "replace": "replacing"}.get(
            _verb(change), "deleting"
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


def _entry(c: Change) -> dict[str, object]:
    entry: dict[str, object] = {"address": c.address, "action": _actions(c)}
    if c.previous_address:
        entry["previous_address"] = c.previous_address
    return entry


def _label(c: Change) -> str:
    return "move" if c.action is Action.NOOP else "+".join(_actions(c))


def _actions(change: Change) -> list[str]:
    return ["import"] if change.importing is not None else change.action.json_actions


def _summary(batch: Sequence[Change]) -> str:
    if len(batch) == 1:
        c = batch[0]
        moved = f"{c.previous_address} -> " if c.previous_address else ""
        return f"{_label(c)} {moved}{c.address}"
    counts: dict[str, int] = {}
    for c in batch:
        verb = _label(c)
        counts[verb] = counts.get(verb, 0) + 1
    return ", ".join(f"{v} {n}" for v, n in sorted(counts.items()))


def _verb(change: Change) -> str:
    return {
        Action.CREATE: "create",
        Action.UPDATE: "update",
        Action.REPLACE: "replace",
        Action.NOOP: "move",
        Action.FORGET: "forget",
    }.get(change.action, "delete")
