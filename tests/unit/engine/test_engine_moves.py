"""`moved:` / `removed:` blocks in the engine: plan actions, apply commits, JSON, renderings."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from engine_builders import res, stack, state
from support.golden import check_golden

from stackctl.cli.plan_markdown import render_markdown
from stackctl.cli.plan_render import render_text
from stackctl.config.secrets import Secrets
from stackctl.engine.apply import apply
from stackctl.engine.moves import chains, refactor
from stackctl.engine.plan import make_plan
from stackctl.engine.planjson import plan_from_json, plan_json
from stackctl.errors import Location, PlanError, StalePlanError
from stackctl.model import Action, MovedBlock, RemovedBlock
from stackctl.state.memory import MemoryStateStore

DATA = Path(__file__).parents[2] / "data" / "plans"
SCHEMA = json.loads((Path(__file__).parents[3] / "schemas" / "plan.schema.json").read_text())
AT = Location("stacks/s.yaml", 7, 5)


def move(a: str, b: str) -> MovedBlock:
    return MovedBlock(a, b, AT)


OLD = state(
    res("orchestrator.local"),
    res("artifact_store.old", config={"path": "p"}, outputs={"made": "p"}),
    stack("dev", store="old"),
    res("orchestrator.spare"),
    res("pipeline.legacy", None, {"steps": {}}),
)
NEW = {
    r.address: r
    for r in [
        res("orchestrator.local"),
        res("artifact_store.new", config={"path": "p"}),
        stack("dev", store="new"),
    ]
}


def test_chains_follow_to_the_end_and_stale_entries_are_noops():
    ends = chains(
        [move("artifact_store.a", "artifact_store.b"), move("artifact_store.b", "artifact_store.c")]
    )
    assert {k: v.to for k, v in ends.items()} == {
        "artifact_store.a": "artifact_store.c",
        "artifact_store.b": "artifact_store.c",
    }
    moved = refactor(OLD, [move("artifact_store.zzz", "artifact_store.new")])
    assert moved.previous == {} and moved.state.resources.keys() == OLD.resources.keys()


def test_a_move_alone_is_a_noop_change_naming_the_previous_address():
    p = make_plan(NEW, OLD, moved=[move("artifact_store.old", "artifact_store.new")])
    by = {c.address: c for c in p.changes}
    store = by["artifact_store.new"]
    assert store.action is Action.NOOP and store.previous_address == "artifact_store.old"
    assert store.before is not None and store.before.address == "artifact_store.old"
    assert store.after is not None and store.after.outputs == {"made": "p"}  # reality's, kept
    assert by["stack.dev"].action is Action.UPDATE
    assert "artifact_store.old" not in by  # no destroy
    assert by["orchestrator.spare"].action is Action.DELETE  # removed without a block
    assert by["pipeline.legacy"].action is Action.FORGET  # pipelines are no resources
    counts = p.counts()
    assert (counts["move"], counts["add"], counts["destroy"], counts["forget"]) == (1, 0, 1, 1)


def test_a_chain_moves_a_record_through_to_the_last_address():
    p = make_plan(
        NEW,
        OLD,
        moved=[
            move("artifact_store.old", "artifact_store.mid"),
            move("artifact_store.mid", "artifact_store.new"),
        ],
    )
    change = next(c for c in p.changes if c.address == "artifact_store.new")
    assert change.previous_address == "artifact_store.old" and change.action is Action.NOOP


def test_a_move_with_a_config_change_is_an_update_of_the_new_address():
    desired = dict(
        NEW, **{"artifact_store.new": res("artifact_store.new", config={"path": "p", "x": 1})}
    )
    p = make_plan(desired, OLD, moved=[move("artifact_store.old", "artifact_store.new")])
    change = next(c for c in p.changes if c.address == "artifact_store.new")
    assert change.action is Action.UPDATE and change.previous_address == "artifact_store.old"
    assert [a.path for a in change.attributes] == ["config.x"]


def test_moving_onto_an_address_state_holds_is_an_error_with_the_block_location():
    held = state(*OLD.resources.values(), res("artifact_store.new"))
    with pytest.raises(PlanError) as err:
        make_plan(NEW, held, moved=[move("artifact_store.old", "artifact_store.new")])
    assert str(err.value).startswith("stacks/s.yaml:7:5: error: cannot move artifact_store.old")


def test_two_records_landing_on_one_address_is_an_error():
    both = state(*OLD.resources.values(), res("artifact_store.mid"))
    blocks = [
        move("artifact_store.old", "artifact_store.mid"),
        move("artifact_store.mid", "artifact_store.new"),
    ]
    with pytest.raises(PlanError, match="cannot move both"):
        make_plan(NEW, both, moved=blocks)


def test_removed_destroy_false_forgets_destroy_true_deletes():
    keep = make_plan(NEW, OLD, removed=[RemovedBlock("orchestrator.spare", False, AT)])
    spare = next(c for c in keep.changes if c.address == "orchestrator.spare")
    assert spare.action is Action.FORGET and "not destroyed" in spare.reason
    gone = make_plan(NEW, OLD, removed=[RemovedBlock("orchestrator.spare", True, AT)])
    assert (
        next(c for c in gone.changes if c.address == "orchestrator.spare").action is Action.DELETE
    )


def test_apply_moves_the_record_in_one_commit_without_calling_the_provisioner(recorder):
    store = MemoryStateStore()
    store.commit(
        upserts=list(OLD.resources.values()), deletes=[], operation="apply", who="t", summary="seed"
    )
    blocks = [move("artifact_store.old", "artifact_store.new")]
    removed = [RemovedBlock("orchestrator.spare", False, AT)]
    result = apply(
        store,
        lambda s: make_plan(NEW, s, moved=blocks, removed=removed, config_digest="D"),
        config_digest="D",
        root=Path("."),
        secrets=Secrets(None, {}),
        moved=blocks,
        removed=removed,
    )
    assert recorder.calls == []  # neither delete nor create of the store
    assert {c.action for c in result.done} == {Action.NOOP, Action.UPDATE, Action.FORGET}
    after = store.read()
    assert set(after.resources) == set(NEW)
    assert after.resources["artifact_store.new"].outputs == {"made": "p"}
    assert after.resources["stack.dev"].depends_on == ("artifact_store.new", "orchestrator.local")
    entry = store.history()[-1]
    assert {
        "address": "artifact_store.new",
        "action": ["no-op"],
        "previous_address": "artifact_store.old",
    } in entry.changes
    assert make_plan(NEW, after, moved=blocks, removed=removed).changes == ()  # stale now: no-op


def test_a_saved_plan_whose_move_the_config_does_not_make_is_refused(recorder):
    store = MemoryStateStore()
    store.commit(
        upserts=list(OLD.resources.values()), deletes=[], operation="apply", who="t", summary="seed"
    )
    blocks = [move("artifact_store.old", "artifact_store.new")]
    saved = make_plan(NEW, store.read(), moved=blocks, config_digest="D")
    with pytest.raises(StalePlanError, match="move of artifact_store.new"):
        apply(
            store, saved, config_digest="D", root=Path("."), secrets=Secrets(None, {}), desired=NEW
        )
    assert store.read().resources.keys() == OLD.resources.keys()


def moves_plan():
    desired = dict(NEW, **{"artifact_store.new": res("artifact_store.new", config={"path": "p"})})
    desired["orchestrator.renamed"] = res(
        "orchestrator.renamed", "local_parallel", {"max_workers": 2}
    )
    old = state(
        *OLD.resources.values(),
        res("orchestrator.par", "local_parallel", {"max_workers": 1}),
        serial=4,
        lineage="lin",
    )
    return make_plan(
        desired,
        old,
        moved=[
            move("artifact_store.old", "artifact_store.new"),
            move("orchestrator.par", "orchestrator.renamed"),
        ],
        removed=[RemovedBlock("orchestrator.spare", False, AT)],
        config_digest="sha256:" + "cd" * 32,
    )


def test_moves_renderings_golden():
    p = moves_plan()
    check_golden(DATA / "moves.txt", render_text(p))
    check_golden(DATA / "moves.md", render_markdown(p))
    text = render_text(p)
    assert "  # artifact_store.old has moved to artifact_store.new" in text
    assert "orchestrator.renamed (moved from orchestrator.par) will be updated in place" in text


def test_moves_json_conforms_and_round_trips():
    p = moves_plan()
    document = plan_json(p, version="test")
    jsonschema.validate(document, SCHEMA)
    check_golden(DATA / "moves.json", json.dumps(document, indent=2) + "\n")
    actions = {
        c["address"]: (c["actions"], c.get("previous_address"))
        for c in document["resource_changes"]
    }
    assert actions["artifact_store.new"] == (["no-op"], "artifact_store.old")
    assert actions["orchestrator.spare"] == (["forget"], None)
    assert plan_from_json(document).changes == p.changes


def test_a_saved_plan_forgetting_what_no_removed_block_names_is_refused(recorder):
    store = MemoryStateStore()
    store.commit(
        upserts=list(OLD.resources.values()), deletes=[], operation="apply", who="t", summary="s"
    )
    removed = [RemovedBlock("artifact_store.old", False, AT)]
    saved = make_plan(NEW, store.read(), removed=removed, config_digest="D")
    with pytest.raises(StalePlanError, match="forgets artifact_store.old"):
        apply(
            store, saved, config_digest="D", root=Path("."), secrets=Secrets(None, {}), desired=NEW
        )
    apply(
        store,
        saved,
        config_digest="D",
        root=Path("."),
        secrets=Secrets(None, {}),
        desired=NEW,
        removed=removed,
    )
    assert "artifact_store.old" not in store.read().resources
    assert recorder.calls == [("create", {"path": "p"})]  # the new store only: no delete
