"""The assertions of `stackctl test` on plans: exact address sets, attributes, goldens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.config.testfile import Assertion
from stackctl.engine.changes import PlanOptions
from stackctl.engine.plan import make_plan
from stackctl.errors import Location, StackctlError
from stackctl.model import Lifecycle, Resource, State
from stackctl.testing import checks, golden

AT = Location("tests/t.stackctl.yaml", 4, 16)


def store(name: str, path: str, *, prevent: bool = False) -> Resource:
    return Resource(
        f"artifact_store.{name}",
        "artifact_store",
        name,
        "local",
        {"path": path},
        {},
        Lifecycle(prevent),
    )


def plan_of(desired: list[Resource], before: list[Resource]):
    state = State("L", 3, {r.address: r for r in before})
    return make_plan(
        {r.address: r for r in desired},
        state,
        options=PlanOptions(refresh=False, allow_destroy=tuple(r.address for r in before)),
    ), state


def test_address_lists_are_exact_and_say_what_differs() -> None:
    plan, state = plan_of([store("a", "x"), store("b", "y")], [store("a", "old"), store("c", "z")])
    checked = [
        Assertion("creates", ["artifact_store.b"], AT),
        Assertion("updates", ["artifact_store.a"], AT),
        Assertion("destroys", [], AT),
        Assertion("replaces_none", True, AT),
    ]
    failures = checks.check_plan(plan, state.resources, checked)
    assert [f.render() for f in failures] == [
        "tests/t.stackctl.yaml:4:16: expect.destroys: expected [], got [artifact_store.c] "
        "(unexpected [artifact_store.c])"
    ]


def test_no_changes_both_ways() -> None:
    same, state = plan_of([store("a", "x")], [store("a", "x")])
    assert checks.check_plan(same, state.resources, [Assertion("no_changes", True, AT)]) == []
    failures = checks.check_plan(same, state.resources, [Assertion("no_changes", False, AT)])
    assert failures[0].message == "expected changes, got none"
    moved, state = plan_of([store("a", "y")], [store("a", "x")])
    failures = checks.check_plan(moved, state.resources, [Assertion("no_changes", True, AT)])
    assert failures[0].message == "expected no changes, got 1 to change [artifact_store.a]"


def test_attributes_are_read_after_the_plan_unchanged_resources_included() -> None:
    plan, state = plan_of([store("a", "x"), store("b", "keep")], [store("b", "keep")])
    ok = [
        Assertion("attribute", "x", AT, "artifact_store.a", "config.path"),
        Assertion("attribute", "keep", AT, "artifact_store.b", "config.path"),
        Assertion("attribute", False, AT, "artifact_store.a", "lifecycle.prevent_destroy"),
        Assertion("attribute", "local", AT, "artifact_store.a", "flavor"),
    ]
    assert checks.check_plan(plan, state.resources, ok) == []
    bad = [
        Assertion("attribute", "y", AT, "artifact_store.a", "config.path"),
        Assertion("attribute", 1, AT, "artifact_store.a", "config.nope"),
        Assertion("attribute", 1, AT, "stack.gone", "config.x"),
    ]
    assert [f.message for f in checks.check_plan(plan, state.resources, bad)] == [
        'expected "y", got "x"',
        "expected 1, got no such attribute",
        "expected 1, got no such resource after the plan",
    ]


def test_a_config_key_with_a_dot_is_found() -> None:
    r = Resource("orchestrator.o", "orchestrator", "o", "local", {"a.b": 1, "a": {"c": 2}})
    assert checks.lookup(r, "config.a.b") == 1
    assert checks.lookup(r, "config.a.c") == 2


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda kids: (
            st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=3), kids, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_first_difference_is_none_exactly_when_equal(doc: object) -> None:
    assert golden.first_difference(doc, doc, "") is None
    other = {"wrapped": doc}
    assert golden.first_difference(doc, other, "") is not None


def test_golden_round_trip_and_first_difference(tmp_path: Path) -> None:
    plan, _ = plan_of([store("a", "x")], [store("a", "old")])
    check = Assertion("golden", "g/plan.json", AT)
    path = golden.golden_path(check, tmp_path, tmp_path)
    golden.write(plan, check, path)
    document = json.loads(path.read_text())
    assert "lineage" not in document and "config_digest" not in document
    assert golden.compare(plan, check, path) is None
    other, _ = plan_of([store("a", "z")], [store("a", "old")])
    failure = golden.compare(other, check, path)
    assert failure is not None
    assert failure.message == (
        'g/plan.json differs at resource_changes[0].after.config.path: expected "x", got "z"'
    )


def test_golden_files_stay_inside_the_project_and_replace_only_goldens(tmp_path: Path) -> None:
    plan, _ = plan_of([store("a", "x")], [])
    with pytest.raises(StackctlError, match="outside the project"):
        golden.golden_path(Assertion("golden", "../x.json", AT), tmp_path, tmp_path)
    mine = tmp_path / "notes.json"
    mine.write_text('{"mine": true}')
    with pytest.raises(StackctlError, match="refusing to replace"):
        golden.write(plan, Assertion("golden", "notes.json", AT), mine)
    assert mine.read_text() == '{"mine": true}'
