"""Schema v3: commits store deltas (O(changed)), checkpoints now and then; every serial
still reads back whole, on every backend; a v2 file migrates forward keeping history."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from stackctl.model import Resource, State
from stackctl.state import codec, schema
from stackctl.state.base import SCHEMA_VERSION, StateStore
from stackctl.state.memory import MemoryStateStore
from stackctl.state.sqlite import SqliteStateStore


def res(address: str, **config: object) -> Resource:
    kind, name = address.split(".", 1)
    return Resource(address=address, type=kind, name=name, flavor="local", config=config)


def commit(store: StateStore, upserts: list[Resource], deletes: list[str] | None = None) -> State:
    with store.lock("apply"):
        return store.commit(
            upserts=upserts, deletes=deletes or [], operation="apply", who="t", summary="s"
        )


def run_history(store: StateStore, seed: int, commits: int = 25) -> dict[int, State]:
    """Random upserts/deletes; what each commit returned, by serial."""
    rnd = random.Random(seed)
    seen: dict[int, State] = {}
    for _ in range(commits):
        current = store.read().resources
        ups = [
            res(f"orchestrator.o{rnd.randrange(12)}", n=rnd.randrange(3))
            for _ in range(rnd.randrange(4))
        ]
        gone = [a for a in current if rnd.random() < 0.2]
        state = commit(store, ups, gone)
        seen[state.serial] = state
    return seen


def test_every_serial_reads_back_as_committed(backend):
    store = backend.open()
    seen = run_history(store, seed=7)
    other = backend.open()  # another process: no shared cache
    for serial, state in seen.items():
        assert other.state_at(serial) == state
    assert other.read() == seen[max(seen)]


def test_commit_result_equals_a_fresh_read(backend):
    store, other = backend.open(), backend.open()
    commit(store, [res("orchestrator.a", x=1)])
    commit(other, [res("orchestrator.b", y=(1, 2))])  # store's cached state is now old
    state = commit(store, [res("orchestrator.c")], ["orchestrator.a"])
    assert state == backend.open().read()
    state = commit(store, [res("orchestrator.c", z=[1])])  # on top of its own commit
    assert state == backend.open().read()


def test_commits_write_deltas_and_only_occasional_checkpoints(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStateStore(path)
    commit(store, [res(f"orchestrator.o{i}") for i in range(50)])
    for i in range(40):  # small changes on a big state: no full snapshot each time
        commit(store, [res(f"orchestrator.o{i}", v=1)])
    conn = sqlite3.connect(path)
    snapshots = conn.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]
    changes = conn.execute("SELECT COUNT(*) FROM resource_changes").fetchone()[0]
    conn.close()
    assert changes == 50 + 40
    assert snapshots == 1  # once, when the deltas first outnumbered the resources
    assert store.state_at(41).resources["orchestrator.o39"].config == {"v": 1}
    assert store.state_at(2).resources["orchestrator.o1"].config == {}
    assert store.state_at(2).resources["orchestrator.o0"].config == {"v": 1}


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_sqlite_history_matches_the_memory_store(tmp_path_factory, seed):
    path = tmp_path_factory.mktemp("deltas") / "state.db"
    sql, memory = SqliteStateStore(path), MemoryStateStore()
    a, b = run_history(sql, seed, 15), run_history(memory, seed, 15)
    assert [s.resources for s in a.values()] == [s.resources for s in b.values()]
    for serial in a:
        assert sql.state_at(serial).resources == memory.state_at(serial).resources
    sql.close()


def test_a_v2_state_migrates_to_v3_keeping_every_serial(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = lambda cur, row: dict(zip([d[0] for d in cur.description], row))

    class Tx:  # what a v2 stackctl wrote: a full snapshot for every serial
        def run(self, sql: str, *params: object) -> int:
            return conn.execute(sql, params).rowcount

    schema.MIGRATIONS[1](Tx(), "lineage-v2")
    schema.MIGRATIONS[2](Tx(), "lineage-v2")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    states = {1: {"orchestrator.a": res("orchestrator.a")}}
    states[2] = {**states[1], "stack.dev": res("stack.dev")}
    for serial, resources in states.items():
        conn.execute(
            "INSERT INTO snapshots VALUES (?, ?)", (serial, codec.resources_to_json(resources))
        )
        conn.execute("INSERT INTO history VALUES (?, '2026Z', 'v2', 'apply', 's', '[]')", (serial,))
    for resource in states[2].values():
        conn.execute(
            "INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            tuple(codec.resource_to_row(resource).values()),
        )
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'serial'")
    conn.close()

    store = SqliteStateStore(path)
    assert store.state_at(1).resources == states[1]
    assert store.state_at(2).resources == states[2]
    commit(store, [res("orchestrator.a", v=3)], ["stack.dev"])
    assert store.state_at(3).resources == {"orchestrator.a": res("orchestrator.a", v=3)}
    assert store.state_at(2).resources == states[2]
    check = sqlite3.connect(path)
    version = check.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)
    assert check.execute("SELECT COUNT(*) FROM resource_changes").fetchone() == (2,)
    check.close()


def test_migrate_between_stores_keeps_every_serial(tmp_path: Path) -> None:
    from stackctl.state.migrate import migrate_state

    src = SqliteStateStore(tmp_path / "a.db")
    seen = run_history(src, seed=3, commits=12)
    dst = SqliteStateStore(tmp_path / "b.db")
    migrate_state(src, dst)
    for serial, state in seen.items():
        assert dst.state_at(serial) == state


def test_a_v3_state_gets_output_previews_and_old_rows_show_their_type(tmp_path):
    from stackctl.model import ArtifactRecord
    from stackctl.runtime.previews import shown_preview

    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)

    class Tx:  # what a v3 stackctl wrote: artifacts without a preview column
        def run(self, sql: str, *params: object) -> int:
            return conn.execute(sql, params).rowcount

    for version in (1, 2, 3):
        schema.MIGRATIONS[version](Tx(), "lineage-v3")
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.execute(
        "INSERT INTO artifacts VALUES ('r1', 'train', 'output', 1, '/a/b/c', 'd', 3,"
        " 'pickle', 'sklearn.linear_model.LogisticRegression', 'r1')"
    )
    conn.close()
    store = SqliteStateStore(path)
    [old] = store.artifacts("r1")
    assert old.preview == ""
    assert shown_preview(old.preview, old.type) == "LogisticRegression"
    store.record_artifacts(
        [ArtifactRecord("r2", "evaluate", "output", "/x", "e", 4, "json", "float", "r2", "0.9667")]
    )
    assert store.artifacts("r2")[0].preview == "0.9667"
    store.close()
