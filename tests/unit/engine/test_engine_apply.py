from __future__ import annotations

from pathlib import Path

import pytest
from engine_builders import res, stack

from stackctl.config.secrets import Secrets
from stackctl.engine.apply import apply
from stackctl.engine.changes import PlanOptions
from stackctl.engine.plan import make_plan
from stackctl.errors import ProvisionError, StalePlanError, StateLockedError
from stackctl.model import Action, State
from stackctl.state.memory import MemoryStateStore

DESIRED = {
    r.address: r
    for r in [
        res("orchestrator.local"),
        res("artifact_store.a", config={"path": "a"}),
        res("artifact_store.b", config={"path": "b"}),
        stack("dev", store="a"),
    ]
}


def planner(desired=DESIRED, options=PlanOptions()):
    return lambda state: make_plan(desired, state, options=options, config_digest="D")


def run(store, plan, **kw):
    kw.setdefault("config_digest", "D")
    return apply(store, plan, root=Path("."), secrets=Secrets(None, {}), **kw)


def test_apply_provisions_commits_and_records_outputs(recorder):
    store = MemoryStateStore()
    result = run(store, planner())
    assert {c.address for c in result.done} == set(DESIRED)
    assert result.done[-1].address == "stack.dev"  # after what it depends on
    assert [c for c, _ in recorder.calls] == ["create", "create"]
    state = store.read()
    assert state.resources["artifact_store.a"].outputs == {"made": "a"}
    assert set(state.resources) == set(DESIRED)
    assert store.journal() == []
    assert make_plan(DESIRED, state).changes == ()


def test_failure_halfway_leaves_state_true_and_replan_shows_the_rest(recorder):
    recorder.fail_on = "b"
    store = MemoryStateStore()
    with pytest.raises(ProvisionError) as info:
        run(store, planner())
    assert "creating artifact_store.b failed: OSError: disk on fire" in info.value.message
    assert "2 change(s) were applied" in info.value.message
    state = store.read()
    assert set(state.resources) == {"artifact_store.a", "orchestrator.local"}
    assert store.journal() == [] and store.lock_info() is None
    remaining = make_plan(DESIRED, state)
    assert [c.address for c in remaining.changes] == ["artifact_store.b", "stack.dev"]


def test_interrupt_leaves_a_journal_entry_that_the_next_plan_completes(recorder):
    def boom(config, root):
        raise KeyboardInterrupt

    recorder.create = boom
    store = MemoryStateStore()
    with pytest.raises(KeyboardInterrupt):
        run(store, planner())
    entries = store.journal()  # both stores were in flight (same wave)
    assert {e["address"] for e in entries} == {"artifact_store.a", "artifact_store.b"}
    assert {e["action"] for e in entries} == {"create"}
    assert store.lock_info() is None  # released on Ctrl-C
    p = make_plan(DESIRED, store.read(), journal=store.journal())
    assert p.changes[0].reason.startswith("interrupted while creating artifact_store.a")
    del recorder.create
    run(store, planner(), config_digest="D")
    assert store.journal() == []


def test_saved_plan_is_stale_after_another_apply(recorder):
    store = MemoryStateStore()
    saved = planner()(store.read())
    run(store, planner(options=PlanOptions(targets=("artifact_store.b",))))
    with pytest.raises(StalePlanError, match=r"serial 0 -> 1") as info:
        run(store, saved)
    assert info.value.exit_code == 4


def test_saved_plan_is_stale_when_config_or_lineage_moved(recorder):
    store = MemoryStateStore()
    saved = planner()(store.read())
    with pytest.raises(StalePlanError, match="configuration changed"):
        run(store, saved, config_digest="other")
    with pytest.raises(StalePlanError, match="another state"):
        run(MemoryStateStore(), saved)


def test_lock_held_by_someone_else_is_exit_3_naming_the_holder(recorder):
    store = MemoryStateStore()
    other = store.connect()
    with other.lock("apply") as held:
        with pytest.raises(StateLockedError) as info:
            run(store, planner())
    assert info.value.exit_code == 3 and held.id in info.value.message
    assert store.read().serial == 0


def test_not_approved_changes_nothing(recorder):
    store = MemoryStateStore()
    result = run(store, planner(), approve=lambda plan: False)
    assert not result.approved and store.read().serial == 0 and recorder.calls == []


def test_replace_deletes_then_creates_and_delete_calls_provisioner(recorder):
    store = MemoryStateStore()
    run(store, planner())
    recorder.calls.clear()
    changed = dict(DESIRED)
    changed["artifact_store.b"] = res("artifact_store.b", "other", config={"path": "b2"})
    del changed["orchestrator.local"]
    changed["stack.dev"] = stack("dev", orch="x", store="a")
    changed["orchestrator.x"] = res("orchestrator.x")
    result = run(store, planner(changed))
    done = [(c.action, c.address) for c in result.done]
    assert done[0] == (Action.DELETE, "orchestrator.local")  # deletes first
    assert (Action.REPLACE, "artifact_store.b") in done
    assert recorder.calls == [("delete", {"path": "b"}), ("create", {"path": "b2"})]
    assert isinstance(store.read(), State)
    assert make_plan(changed, store.read()).changes == ()


def test_secrets_are_revealed_only_to_the_provisioner(recorder):
    from stackctl.config.secrets import digest_config

    secrets = Secrets(None, {"STACKCTL_SECRET_TOKEN": "hunter2"})
    config = digest_config({"path": "p", "token": "${secret:token}"}, secrets)
    desired = {"artifact_store.s": res("artifact_store.s", config=config)}
    store = MemoryStateStore()
    apply(store, planner(desired), config_digest="D", root=Path("."), secrets=secrets)
    assert recorder.calls == [("create", {"path": "p", "token": "hunter2"})]
    assert "hunter2" not in repr(store.export_dump())


def test_missing_secret_at_apply_is_a_clear_error(recorder):
    desired = {"artifact_store.s": res("artifact_store.s", config={"token": "${secret:token}"})}
    with pytest.raises(ProvisionError, match="secret 'token'") as info:
        run(MemoryStateStore(), planner(desired))
    assert "STACKCTL_SECRET_TOKEN" in info.value.hint
