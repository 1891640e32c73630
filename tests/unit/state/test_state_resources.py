"""Contract: lineage, serial, atomic commits, history and snapshots (every backend)."""

from __future__ import annotations

import pytest

from stackctl.errors import NotFoundError, StateError, StateLockedError
from stackctl.model import Lifecycle, Resource
from stackctl.state.base import StateStore
from stackctl.state.restore import restore_serial


def res(address: str, **config: object) -> Resource:
    kind, name = address.split(".", 1)
    return Resource(address=address, type=kind, name=name, flavor="local", config=config)


def apply(store: StateStore, *upserts: Resource, deletes: tuple[str, ...] = ()) -> int:
    with store.lock("apply"):
        state = store.commit(
            upserts=upserts, deletes=deletes, operation="apply", who="ann@ci", summary="test"
        )
    return state.serial


def test_new_state_is_empty_with_a_lineage(store):
    state = store.read()
    assert state.serial == 0
    assert state.resources == {}
    assert len(state.lineage) == 36  # a uuid4


def test_lineage_is_fixed_and_serial_grows(backend):
    store = backend.open()
    lineage = store.read().lineage
    assert apply(store, res("orchestrator.local")) == 1
    assert apply(store, res("artifact_store.local", path="a")) == 2
    again = backend.open()  # reopening never makes a new lineage
    assert again.read().lineage == lineage
    assert again.read().serial == 2
    assert sorted(again.read().resources) == ["artifact_store.local", "orchestrator.local"]


def test_values_round_trip_as_json(store):
    full = Resource(
        address="stack.dev",
        type="stack",
        name="dev",
        flavor=None,
        config={"orchestrator": "local", "nested": {"list": [1, 2.5, None, True]}},
        outputs={"path": "/tmp/x"},
        lifecycle=Lifecycle(prevent_destroy=True),
        depends_on=("orchestrator.local", "artifact_store.local"),
    )
    apply(store, full, res("orchestrator.local", tags=("a", "b")))
    state = store.read()
    assert state.resources["stack.dev"] == full
    # Tuples come back as lists, on every backend (the memory store included).
    assert state.resources["orchestrator.local"].config == {"tags": ["a", "b"]}


def test_update_and_delete(store):
    apply(store, res("orchestrator.local", workers=1), res("orchestrator.dask"))
    apply(store, res("orchestrator.local", workers=4), deletes=("orchestrator.dask",))
    state = store.read()
    assert list(state.resources) == ["orchestrator.local"]
    assert state.resources["orchestrator.local"].config == {"workers": 4}


def test_commit_is_atomic(store):
    apply(store, res("orchestrator.local"))
    before = store.read()
    with store.lock("apply"), pytest.raises(StateError, match="artifact_store.bad config"):
        store.commit(
            upserts=[res("orchestrator.new"), res("artifact_store.bad", handle=object())],
            deletes=["orchestrator.local"],
            operation="apply",
            who="ann",
            summary="half",
        )
    assert store.read() == before
    assert [h.serial for h in store.history()] == [1]


def test_history_and_state_at(store):
    apply(store, res("orchestrator.local", workers=1))
    apply(store, res("orchestrator.local", workers=2), res("stack.dev"))
    with store.lock("state rm"):
        store.commit(
            deletes=["stack.dev"],
            operation="state rm",
            who="bob@laptop",
            summary="removed stack.dev",
            changes=[{"address": "stack.dev", "action": "delete"}],
        )
    history = store.history()
    assert [(h.serial, h.operation, h.who) for h in history] == [
        (1, "apply", "ann@ci"),
        (2, "apply", "ann@ci"),
        (3, "state rm", "bob@laptop"),
    ]
    assert history[2].changes == ({"address": "stack.dev", "action": "delete"},)
    assert history[0].at.endswith("Z")
    assert store.state_at(0).resources == {}
    assert store.state_at(1).resources["orchestrator.local"].config == {"workers": 1}
    assert sorted(store.state_at(2).resources) == ["orchestrator.local", "stack.dev"]
    assert store.state_at(2).serial == 2
    assert list(store.state_at(3).resources) == ["orchestrator.local"]
    with pytest.raises(NotFoundError, match="serial 9 does not exist"):
        store.state_at(9)


def test_restore_serial_is_a_new_commit(store):
    apply(store, res("orchestrator.local", workers=1))
    apply(store, res("orchestrator.local", workers=2), res("stack.dev"))
    with store.lock("state restore"):
        state = restore_serial(store, 1, who="ann")
    assert state.serial == 3
    assert state.resources == store.state_at(1).resources
    assert store.history()[-1].operation == "state restore"


def test_commit_refused_while_another_writer_holds_the_lock(backend):
    holder, other = backend.open(), backend.open()
    with holder.lock("apply"), pytest.raises(StateLockedError):
        other.commit(upserts=[res("orchestrator.x")], operation="apply", who="x", summary="")
    assert other.read().serial == 0
