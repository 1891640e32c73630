from __future__ import annotations

import pytest
from engine_builders import res, stack, state

from stackctl.engine.changes import Drift, PlanOptions
from stackctl.engine.plan import make_plan
from stackctl.errors import NotFoundError, PlanError
from stackctl.model import Action, Lifecycle

KEYS = {("artifact_store", "local"): frozenset({"config.path"})}


def replace_keys(t: str, f: str) -> frozenset[str]:
    return KEYS.get((t, f), frozenset())


def plan(desired, current, **kw):
    opts = kw.pop("options", PlanOptions())
    return make_plan(
        {r.address: r for r in desired}, current, options=opts, replace_keys=replace_keys, **kw
    )


BASE = [res("orchestrator.local"), res("artifact_store.local", config={"path": "a"}), stack("dev")]


def actions(p):
    return [(c.action, c.address) for c in p.changes]


def test_everything_new_is_created_in_dependency_order():
    p = plan(BASE, state(serial=0))
    assert actions(p) == [
        (Action.CREATE, "artifact_store.local"),
        (Action.CREATE, "orchestrator.local"),
        (Action.CREATE, "stack.dev"),
    ]
    assert p.counts() == {
        "add": 3,
        "change": 0,
        "replace": 0,
        "destroy": 0,
        "import": 0,
        "move": 0,
        "forget": 0,
    }
    assert p.edges == (("artifact_store.local", "stack.dev"), ("orchestrator.local", "stack.dev"))


def test_same_config_is_a_noop():
    p = plan(BASE, state(*BASE))
    assert p.changes == () and p.unchanged == 3 and p.empty


def test_update_in_place_lists_nested_attribute_paths():
    new = res("orchestrator.local", config={"opts": {"a": 1, "b": 2}})
    old = res("orchestrator.local", config={"opts": {"a": 1, "b": 3}, "gone": True})
    p = plan([new], state(old))
    (change,) = p.changes
    assert change.action is Action.UPDATE
    assert [(a.path, a.kind, a.before, a.after) for a in change.attributes] == [
        ("config.gone", "remove", True, None),
        ("config.opts.b", "change", 3, 2),
    ]
    assert change.reason == "config.gone, config.opts.b changed"


def test_x_replace_key_forces_replacement_with_reason():
    new = res("artifact_store.local", config={"path": "b"})
    p = plan([new], state(res("artifact_store.local", config={"path": "a"})))
    (change,) = p.changes
    assert change.action is Action.REPLACE
    assert change.reason == "config.path forces replacement"
    assert change.attributes[0].forces_replacement


def test_flavor_change_forces_replacement():
    p = plan([res("orchestrator.local", "local_parallel")], state(res("orchestrator.local")))
    assert p.changes[0].action is Action.REPLACE
    assert p.changes[0].reason == "flavor changed (local -> local_parallel)"


def test_removed_resources_are_destroyed_first_dependents_before_dependencies():
    p = plan([res("orchestrator.new")], state(*BASE))
    assert actions(p) == [
        (Action.DELETE, "stack.dev"),
        (Action.DELETE, "artifact_store.local"),
        (Action.DELETE, "orchestrator.local"),
        (Action.CREATE, "orchestrator.new"),
    ]


def test_target_includes_dependencies_only():
    extra = [res("orchestrator.other"), stack("two", orch="other")]
    p = plan([*BASE, *extra], state(serial=0), options=PlanOptions(targets=("stack.dev",)))
    assert {c.address for c in p.changes} == {
        "stack.dev",
        "orchestrator.local",
        "artifact_store.local",
    }
    assert p.unchanged == 2


def test_exclude_drops_the_address_and_its_dependents():
    p = plan(BASE, state(serial=0), options=PlanOptions(excludes=("orchestrator.local",)))
    assert {c.address for c in p.changes} == {"artifact_store.local"}


def test_unknown_target_is_a_not_found_error_with_a_suggestion():
    with pytest.raises(NotFoundError) as info:
        plan(BASE, state(serial=0), options=PlanOptions(targets=("stack.deb",)))
    assert "stack.dev" in info.value.hint


def test_replace_flag_forces_replacement():
    p = plan(BASE, state(*BASE), options=PlanOptions(replace=("orchestrator.local",)))
    assert actions(p) == [(Action.REPLACE, "orchestrator.local")]
    assert p.changes[0].reason == "replacement requested with --replace"


def test_destroy_keeps_protected_resources():
    p = plan(
        BASE,
        state(*BASE),
        options=PlanOptions(destroy=True),
        protected={"stack.dev", "orchestrator.local", "artifact_store.local"},
    )
    assert p.changes == ()
    p = plan(
        BASE, state(*BASE), options=PlanOptions(destroy=True), protected={"orchestrator.local"}
    )
    assert actions(p) == [(Action.DELETE, "stack.dev"), (Action.DELETE, "artifact_store.local")]
    assert p.changes[0].reason == "destroy requested"


def test_prevent_destroy_in_state_blocks_even_when_removed_from_config():
    guarded = stack("dev", prevent=True)
    with pytest.raises(PlanError) as info:
        plan(BASE[:2], state(*BASE[:2], guarded))
    assert "stack.dev would be destroyed" in info.value.message
    assert "--allow-destroy stack.dev" in info.value.hint


def test_prevent_destroy_blocks_replace_and_allow_destroy_overrides():
    old = res("orchestrator.local", prevent=True)
    new = res("orchestrator.local", "local_parallel", prevent=False)
    with pytest.raises(PlanError, match="would be replaced"):
        plan([new], state(old))
    p = plan([new], state(old), options=PlanOptions(allow_destroy=("orchestrator.local",)))
    assert p.changes[0].action is Action.REPLACE


def test_lifecycle_change_alone_is_an_update():
    p = plan([res("orchestrator.local")], state(res("orchestrator.local", prevent=True)))
    (change,) = p.changes
    assert change.action is Action.UPDATE and change.after.lifecycle == Lifecycle(False)


def test_drift_proposes_to_create_again():
    drift = [Drift("artifact_store.local", "directory a is missing")]
    p = plan(BASE, state(*BASE), drift=drift)
    assert actions(p) == [(Action.CREATE, "artifact_store.local")]
    assert "missing in reality (directory a is missing)" in p.changes[0].reason
    assert p.drift == tuple(drift)


def test_journal_entry_is_reported_and_completed():
    journal = [{"address": "artifact_store.local", "action": "create", "since": "T"}]
    p = plan(BASE, state(*BASE[:1]), journal=journal)
    create = next(c for c in p.changes if c.address == "artifact_store.local")
    assert create.reason.startswith("interrupted while creating artifact_store.local (since T)")
    assert not p.empty


def test_journal_only_plan_is_not_empty():
    journal = [{"address": "orchestrator.local", "action": "update", "since": "T"}]
    p = plan(BASE, state(*BASE), journal=journal)
    assert p.changes == () and not p.empty


def test_state_outputs_do_not_count_as_a_difference():
    applied = res("artifact_store.local", config={"path": "a"}, outputs={"path": "/abs/a"})
    p = plan([BASE[1]], state(applied))
    assert p.changes == ()
