"""Assertions on a plan and on the state an apply left: pure functions -> Failures.

The address lists (`creates`, `updates`, `replaces`, `destroys`) are exact: `destroys: []`
means "destroys nothing", and `creates: [a]` fails when the plan also creates `b`.
`attribute` and `state` look a dotted path (`config.path`, `flavor`,
`lifecycle.prevent_destroy`, `outputs.uri`) up in a resource's plan-JSON form.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stackctl.config.testfile import Assertion
from stackctl.engine.changes import Change, Drift, Plan
from stackctl.engine.planjson import resource_json
from stackctl.model import Action, Resource
from stackctl.testing.results import Failure

_ACTIONS = {
    "creates": Action.CREATE,
    "updates": Action.UPDATE,
    "replaces": Action.REPLACE,
    "destroys": Action.DELETE,
}
_MISSING = object()


def addresses(items: Iterable[str]) -> str:
    """`[a, b]`: how address lists read in messages (sorted, unquoted)."""
    return "[" + ", ".join(sorted(items)) + "]"


def planned_world(plan: Plan, before: Mapping[str, Resource]) -> dict[str, Resource]:
    """Every resource as it will be once the plan is applied (unchanged ones included)."""
    world = dict(before)
    for change in plan.changes:
        if change.after is None:
            world.pop(change.address, None)
        else:
            world[change.address] = change.after
    return world


def check_plan(
    plan: Plan, before: Mapping[str, Resource], checks: Sequence[Assertion]
) -> list[Failure]:
    """The failed ones among ``checks`` (`error` is checked by the runner)."""
    failures: list[Failure] = []
    world = planned_world(plan, before)
    for check in checks:
        failure = _check_one(plan, world, check)
        if failure is not None:
            failures.append(failure)
    return failures


def _check_one(plan: Plan, world: Mapping[str, Resource], check: Assertion) -> Failure | None:
    kind = check.kind
    if kind in _ACTIONS:
        got = {c.address for c in plan.changes if c.action is _ACTIONS[kind]}
        return _same_set(f"expect.{kind}", set(check.expected), got, check)
    if kind == "replaces_none":
        got = {c.address for c in plan.changes if c.action is Action.REPLACE}
        if got:
            return _fail(
                "expect.replaces_none", f"expected no replacement, got {addresses(got)}", check
            )
        return None
    if kind == "no_changes":
        if plan.empty == bool(check.expected):
            return None
        if check.expected:
            return _fail(
                "expect.no_changes", f"expected no changes, got {summary(plan.changes)}", check
            )
        return _fail("expect.no_changes", "expected changes, got none", check)
    if kind == "attribute":
        return check_attribute("expect.attribute", world, check, "after the plan")
    return None  # "error" is the runner's: it needs the exception


def check_attribute(
    name: str, resources: Mapping[str, Resource], check: Assertion, when: str
) -> Failure | None:
    """``check.address``'s ``check.path`` equals ``check.expected`` in ``resources``."""
    where = f"{name}: {check.address}: {check.path}"
    resource = resources.get(check.address)
    if resource is None:
        return Failure(
            where, f"expected {_show(check.expected)}, got no such resource {when}", check.location
        )
    got = lookup(resource, check.path)
    if got is _MISSING:
        return Failure(
            where, f"expected {_show(check.expected)}, got no such attribute", check.location
        )
    if got != check.expected:
        return Failure(where, f"expected {_show(check.expected)}, got {_show(got)}", check.location)
    return None


def check_drift(drift: Sequence[Drift], check: Assertion) -> Failure | None:
    """`drift: none`: refresh found nothing missing."""
    if not drift:
        return None
    found = "; ".join(f"{d.address}: {d.detail}" for d in drift)
    return Failure("apply.drift", f"expected none, got {found}", check.location)


def lookup(resource: Resource, path: str) -> Any:
    """The value at dotted ``path`` of the resource's JSON form (_MISSING when absent).
    A config key that itself holds a dot is found too: the longest key wins."""
    node: Any = json.loads(json.dumps(resource_json(resource), default=str))
    parts = path.split(".")
    while parts:
        if not isinstance(node, dict):
            return _MISSING
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in node:
                node, parts = node[key], parts[n:]
                break
        else:
            return _MISSING
    return node


def summary(changes: Sequence[Change]) -> str:
    """`2 to add (a, b), 1 to destroy (c)`."""
    words = {
        Action.CREATE: "add",
        Action.UPDATE: "change",
        Action.REPLACE: "replace",
        Action.DELETE: "destroy",
    }
    parts = []
    for action, word in words.items():
        found = [c.address for c in changes if c.action is action]
        if found:
            parts.append(f"{len(found)} to {word} {addresses(found)}")
    return ", ".join(parts) or "nothing but interrupted changes to finish"


def _same_set(name: str, expected: set[str], got: set[str], check: Assertion) -> Failure | None:
    if expected == got:
        return None
    extra, missing = got - expected, expected - got
    why = []
    if extra:
        why.append(f"unexpected {addresses(extra)}")
    if missing:
        why.append(f"missing {addresses(missing)}")
    message = f"expected {addresses(expected)}, got {addresses(got)} ({'; '.join(why)})"
    return _fail(name, message, check)


def _fail(name: str, message: str, check: Assertion) -> Failure:
    return Failure(name, message, check.location)


def _show(value: Any) -> str:
    return json.dumps(value, default=str)
