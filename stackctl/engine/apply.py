"""Apply: check a plan is fresh and approved, then execute it under the state lock.

How changes are executed and committed is in ``engine.execute``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from stackctl.config.secrets import Secrets
from stackctl.engine.changes import Change, Plan
from stackctl.engine.execute import Progress, Runner
from stackctl.engine.plancheck import check_consistent
from stackctl.errors import StalePlanError
from stackctl.frozen import frozen
from stackctl.model import MovedBlock, RemovedBlock, Resource, State
from stackctl.state.base import StateStore

Approve = Callable[[Plan], bool]


@frozen
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
    desired: Mapping[str, Resource] | None = None,
    secrets: Secrets,
    lock_timeout: float = 0.0,
    operation: str = "apply",
    approve: Approve = lambda _plan: True,
    progress: Progress = lambda _c, _s: None,
    parallelism: int = 8,
    moved: Sequence[MovedBlock] = (),
    removed: Sequence[RemovedBlock] = (),
) -> ApplyResult:
    """Take the lock, (re)check or make the plan against fresh state, ask ``approve``,
    then run it. ``plan`` is a saved Plan or a function making one from state;
    ``desired`` (the current config's resources) is what a saved plan's values must
    match (``engine.plancheck``), its moves and forgets those of ``moved`` / ``removed``;
    ``parallelism`` provisioners of independent resources run at once."""
    with store.lock(operation, lock_timeout) as lock:
        state = store.read()
        the_plan = plan(state) if callable(plan) else plan
        check_fresh(the_plan, state, config_digest)
        if not callable(plan) and desired is not None:  # a saved plan: trust no value in it
            check_consistent(the_plan, state, desired, moved, removed)
        if the_plan.empty:
            return ApplyResult(the_plan, (), state)
        if not approve(the_plan):
            return ApplyResult(the_plan, (), state, approved=False)
        runner = Runner(store, root, secrets, lock.who, operation, progress, parallelism)
        runner.run(the_plan)
        for entry in the_plan.interrupted:  # completed by this apply (or nothing to do)
            store.journal_end(entry.address)
        return ApplyResult(the_plan, tuple(runner.done), runner.state or state)
