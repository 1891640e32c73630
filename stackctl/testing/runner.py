"""Run test cases: load the config with the case's variables, plan against the case's
state in a sandbox, check the assertions, optionally apply there and check the result.

A case whose plan is refused by `lifecycle.prevent_destroy` is planned once more with
every destroy allowed, so its assertions still say what the change would have done
(`destroys: []` then fails at its own line); the refusal itself is a failure too,
unless the case expects it (`expect.error`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from stackctl.config.secrets import Secrets
from stackctl.config.testfile import PlanTest
from stackctl.engine.changes import Plan, PlanOptions
from stackctl.errors import ConfigError, PlanError, StackctlError
from stackctl.model import Resource, State
from stackctl.project import Project
from stackctl.testing import checks, golden
from stackctl.testing.results import CaseResult, Failure
from stackctl.testing.sandbox import Sandbox, load_snapshot, outside_paths, sandbox


@dataclass
class _Desired:
    """What a case's configuration asks for, ready for make_plan and apply."""

    protected: set[str]
    resources: dict[str, Resource]
    digest: str
    name: str


@dataclass
class CaseRun:
    """One case being run (collects its failures)."""

    project: Project
    case: PlanTest
    update_golden: bool = False
    failures: list[Failure] = field(default_factory=list)
    golden_written: str = ""

    def result(self, started: float, error: Failure | None = None) -> CaseResult:
        c = self.case
        return CaseResult(
            c.file,
            c.name,
            c.location,
            tuple(self.failures),
            round(time.monotonic() - started, 3),
            error,
            self.golden_written,
        )


def run_case(project: Project, case: PlanTest, *, update_golden: bool = False) -> CaseResult:
    """Run one case; never raises for what the case's own inputs get wrong."""
    started = time.monotonic()
    run = CaseRun(project, case, update_golden)
    try:
        run_inputs(run)
    except StackctlError as exc:
        where = exc.location or case.location
        if isinstance(exc, ConfigError) and exc.diagnostics:
            where = exc.diagnostics[0].location
        return run.result(started, Failure("error", exc.message, where, exc.hint))
    return run.result(started)


def run_inputs(run: CaseRun) -> None:
    case = run.case
    _check_vars(run.project, case)
    project = Project(
        run.project.root,
        {**run.project.var_overrides, **case.vars},
        run.project.var_files,
        env=run.project.env,
    )
    secrets = Secrets(project.root)
    desired = _desired(project, secrets)
    where = case.state_location or case.location
    snapshot = load_snapshot(case.state, case.folder, project.root, where)
    with sandbox(snapshot) as box:
        before = box.read()
        plan = _plan_and_check(run, desired, before, box, secrets)
        if plan is None:
            return
        if case.golden is not None:
            _golden(run, plan)
        if case.apply:
            _apply(run, plan, desired, box, secrets)


def _check_vars(project: Project, case: PlanTest) -> None:
    """A case may only set variables the project declares (located at the case's key)."""
    declared = project.spec.vars
    for name in case.vars:
        if name not in declared:
            from stackctl.config.schema import closest

            raise StackctlError(
                f"vars.{name}: unknown variable {name!r}",
                hint=closest(name, declared) or "declare it under `vars:` in stackctl.yaml",
                location=case.var_locations[name],
            )


def _desired(project: Project, secrets: Secrets) -> _Desired:
    from stackctl.engine.checks import check_stacks
    from stackctl.engine.desired import config_digest, desired_resources, protected

    spec = project.spec
    check_stacks(spec)
    resources = desired_resources(spec, secrets)
    return _Desired(protected(spec), resources, config_digest(resources), spec.name)


def _plan(
    desired: _Desired, state: State, options: PlanOptions, box: Sandbox, secrets: Secrets
) -> Plan:
    from stackctl.engine.flavors import replace_keys
    from stackctl.engine.plan import make_plan
    from stackctl.engine.refresh import refresh

    drift = refresh(state, box.root, secrets) if options.refresh else []
    return make_plan(
        desired.resources,
        state,
        options=options,
        protected=desired.protected,
        config_digest=desired.digest,
        drift=drift,
        replace_keys=replace_keys,
        project=desired.name,
    )


def _plan_and_check(
    run: CaseRun, desired: _Desired, before: State, box: Sandbox, secrets: Secrets
) -> Plan | None:
    """The plan (None when it was refused), with the plan assertions checked."""
    case = run.case
    options = PlanOptions(destroy=case.destroy, targets=case.targets, refresh=case.refresh)
    expected_error = next((c for c in case.checks if c.kind == "error"), None)
    refused: PlanError | None = None
    try:
        plan = _plan(desired, before, options, box, secrets)
    except PlanError as exc:
        refused = exc
        everything = tuple(sorted({*desired.resources, *before.resources}))
        try:  # what the change would do, for the other assertions
            plan = _plan(desired, before, _allow(options, everything), box, secrets)
        except StackctlError:
            plan = None
    except StackctlError as exc:
        if expected_error is None or str(expected_error.expected) not in exc.message:
            raise
        return None  # the expected failure, and nothing else to look at
    if refused is not None:
        if expected_error is None:
            run.failures.append(Failure("plan", f"refused: {refused.message}", case.location))
        elif str(expected_error.expected) not in refused.message:
            run.failures.append(
                Failure(
                    "expect.error",
                    f"expected {str(expected_error.expected)!r} in the error, got: {refused.message}",
                    expected_error.location,
                )
            )
    elif expected_error is not None:
        run.failures.append(
            Failure(
                "expect.error",
                f"expected the plan to fail with {str(expected_error.expected)!r}, it succeeded",
                expected_error.location,
            )
        )
    if plan is not None:
        run.failures += checks.check_plan(plan, before.resources, case.checks)
    return None if refused is not None else plan


def _allow(options: PlanOptions, addresses: Sequence[str]) -> PlanOptions:
    return PlanOptions(
        destroy=options.destroy,
        targets=options.targets,
        excludes=options.excludes,
        replace=options.replace,
        allow_destroy=tuple(addresses),
        refresh=options.refresh,
    )


def _golden(run: CaseRun, plan: Plan) -> None:
    check = run.case.golden
    assert check is not None
    path = golden.golden_path(check, run.case.folder, run.project.root)
    if run.update_golden:
        golden.write(plan, check, path)
        run.golden_written = str(check.expected)
        return
    failure = golden.compare(plan, check, path)
    if failure is not None:
        run.failures.append(failure)


def _apply(run: CaseRun, plan: Plan, desired: _Desired, box: Sandbox, secrets: Secrets) -> None:
    from stackctl.engine.apply import apply
    from stackctl.engine.refresh import refresh

    outside = outside_paths(desired.resources, box.root)
    if outside:
        run.failures.append(
            Failure(
                "apply",
                f"refusing to apply: {', '.join(outside)} would be created outside the test's temporary folder",
                run.case.location,
                "give the store a relative path (e.g. through a variable the case sets)",
            )
        )
        return
    try:
        apply(
            box.store,
            plan,
            config_digest=desired.digest,
            root=box.root,
            desired=desired.resources,
            secrets=secrets,
            operation="test",
        )
    except StackctlError as exc:
        run.failures.append(Failure("apply", exc.message, run.case.location, exc.hint))
        return
    state = box.read()  # what was committed, read back as the next command would
    after: Mapping[str, Resource] = state.resources
    for check in run.case.after_apply:
        if check.kind == "state":
            failure = checks.check_attribute("apply.state", after, check, "in state after apply")
        else:
            failure = checks.check_drift(refresh(state, box.root, secrets), check)
        if failure is not None:
            run.failures.append(failure)
