"""Composition for plan-shaped commands: a Project in, engine calls out.

Commands stay thin by calling one function from here; this is the only CLI module that
knows how desired resources, state, refresh and the journal come together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from stackctl.config.secrets import Secrets
from stackctl.engine.changes import Plan, PlanOptions
from stackctl.model import LockInfo, Resource, State
from stackctl.project import Project


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("stackctl")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass
class Planner:
    """Makes plans for one project (config is loaded and validated on first use)."""

    project: Project
    options: PlanOptions
    #: set by plan_now when another process is applying: its journal entries are work
    #: in progress, not an interrupted apply (so the plan does not call them that)
    running: LockInfo | None = None

    def __post_init__(self) -> None:
        # Loading and validating the config is most of a big plan (0.6 s of 1 s at
        # 10,000 resources): the validated project comes from the per-checkout cache
        # when nothing outside its key can differ (use_spec_cache says when). In place,
        # not a new Project: the caller shares this one (and its state store).
        from stackctl.project_cache import use_spec_cache

        use_spec_cache(self.project)

    @cached_property
    def secrets(self) -> Secrets:
        return Secrets(self.project.root)

    @cached_property
    def desired(self) -> dict[str, Resource]:
        from stackctl.engine.checks import check_stacks
        from stackctl.engine.desired import desired_resources

        check_stacks(self.project.spec)
        return desired_resources(self.project.spec, self.secrets)

    @cached_property
    def digest(self) -> str:
        from stackctl.engine.desired import config_digest
        from stackctl.engine.imports import imports_digest

        # `import:` blocks are part of what a saved plan was reviewed against
        return imports_digest(
            config_digest(self.desired, self.project.spec), self.project.spec.imports
        )

    def plan(self, state: State) -> Plan:
        """Refresh (unless --no-refresh) and diff against ``state``."""
        from stackctl.engine.desired import protected
        from stackctl.engine.flavors import replace_keys
        from stackctl.engine.imports import with_imports
        from stackctl.engine.plan import make_plan
        from stackctl.engine.refresh import refresh

        drift = refresh(state, self.project.root, self.secrets) if self.options.refresh else []
        plan = make_plan(
            self.desired,
            state,
            options=self.options,
            protected=protected(self.project.spec),
            config_digest=self.digest,
            drift=drift,
            journal=() if self.running else self.project.state().journal(),
            replace_keys=replace_keys,
            project=self.project.spec.name,
            moved=self.project.spec.moved,
            removed=self.project.spec.removed,
        )
        plan = with_imports(plan, self.project.spec.imports, self.desired, state)
        if self.options.refresh:  # like refresh, import checks look at reality
            from stackctl.engine.imports import verify_imports

            imports = self.project.spec.imports
            plan = verify_imports(plan, imports, self.project.root, self.secrets)
        return plan

    def plan_now(self) -> Plan:
        """A plan for `stackctl plan` (no lock taken: readers never lock)."""
        _ = self.desired  # an invalid config fails before the state is even opened
        store = self.project.state()
        lock = store.lock_info()
        self.running = lock if lock is not None and not lock.stale else None
        return self.plan(store.read())

    def factory(self) -> Callable[[State], Plan]:
        return self.plan
