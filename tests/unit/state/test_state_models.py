"""Model versions and stages: the same contract on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from stackctl.errors import NotFoundError, StackctlError
from stackctl.model import ModelDecl
from stackctl.state.base import StateStore

IRIS = ModelDecl("iris", "an iris classifier", ("sklearn",))


def _versions(store: StateStore, count: int) -> None:
    for n in range(1, count + 1):
        store.create_model_version(IRIS, f"run{n}", "training", {"params": {"n": n}}, f"t{n}")


def test_each_run_adds_the_next_version(store: StateStore) -> None:
    _versions(store, 2)
    first, second = reversed(store.model_versions("iris"))
    assert (first.version, first.run_id, second.version, second.run_id) == (1, "run1", 2, "run2")
    assert second.metadata == {"params": {"n": 2}}
    [summary] = store.models()
    assert (summary.name, summary.latest, summary.description, summary.tags) == (
        "iris",
        2,
        "an iris classifier",
        ("sklearn",),
    )


def test_the_same_run_twice_gets_its_version_back(store: StateStore) -> None:
    _versions(store, 1)
    again = store.create_model_version(IRIS, "run1", "training", {}, "later")
    assert again.version == 1
    assert len(store.model_versions("iris")) == 1


def test_promotion_archives_the_previous_holder(store: StateStore) -> None:
    _versions(store, 3)
    [moved] = store.promote_model("iris", 1, "production", "ana", "t10")
    assert (moved.from_stage, moved.to_stage, moved.who) == ("", "production", "ana")
    changes = store.promote_model("iris", 2, "production", "bo", "t11")
    assert [(c.version, c.from_stage, c.to_stage) for c in changes] == [
        (1, "production", "archived"),
        (2, "", "production"),
    ]
    stages = {v.version: v.stage for v in store.model_versions("iris")}
    assert stages == {1: "archived", 2: "production", 3: ""}
    assert store.models()[0].stages == {"production": 2}
    assert store.model_version("iris", "production").version == 2
    assert store.model_version("iris", "archived").version == 1
    history = store.stage_history("iris")
    assert [(c.version, c.to_stage, c.who, c.at) for c in history] == [
        (1, "production", "ana", "t10"),
        (1, "archived", "bo", "t11"),
        (2, "production", "bo", "t11"),
    ]
    assert [c.to_stage for c in store.stage_history("iris", 1)] == ["production", "archived"]


def test_staging_to_production_empties_staging(store: StateStore) -> None:
    _versions(store, 1)
    store.promote_model("iris", 1, "staging", "a", "t1")
    store.promote_model("iris", 1, "production", "a", "t2")
    assert store.models()[0].stages == {"production": 1}
    with pytest.raises(NotFoundError, match="no version in stage 'staging'"):
        store.model_version("iris", "staging")


def test_promoting_to_the_stage_it_has_moves_nothing(store: StateStore) -> None:
    _versions(store, 1)
    store.promote_model("iris", 1, "production", "a", "t1")
    assert store.promote_model("iris", 1, "production", "a", "t2") == []
    assert len(store.stage_history("iris")) == 1


def test_references(store: StateStore) -> None:
    _versions(store, 2)
    assert store.model_version("iris", "latest").version == 2
    assert store.model_version("iris", "1").version == 1
    with pytest.raises(NotFoundError, match=r"has no version 7 \(latest is 2\)"):
        store.model_version("iris", "7")
    for bad in ("0", "-1", "v1", "prod", "１"):
        with pytest.raises(StackctlError, match="does not name a version"):
            store.model_version("iris", bad)


def test_bad_names_versions_stages_change_nothing(store: StateStore) -> None:
    _versions(store, 1)
    with pytest.raises(NotFoundError, match=r"model 'iri' does not exist \(models: iris\)"):
        store.model_versions("iri")
    with pytest.raises(NotFoundError, match="has no version 5"):
        store.promote_model("iris", 5, "production", "a", "t")
    with pytest.raises(StackctlError, match="unknown stage 'prod'"):
        store.promote_model("iris", 1, "prod", "a", "t")
    assert store.stage_history("iris") == []
    assert store.model_version("iris", "1").stage == ""


def test_a_store_without_models(store: StateStore) -> None:
    assert store.models() == []
    with pytest.raises(NotFoundError, match="models: none yet"):
        store.model_versions("iris")


def test_concurrent_runs_each_get_their_own_number(backend: Any) -> None:
    """Separate handles (processes, for SQLite and PostgreSQL) racing for numbers: no
    duplicate, no gap, no lost version."""
    handles = [backend.open() for _ in range(4)]
    errors: list[BaseException] = []

    def worker(index: int, store: StateStore) -> None:
        try:
            for n in range(5):
                store.create_model_version(IRIS, f"run{index}-{n}", "training", {}, "t")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, h)) for i, h in enumerate(handles)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    versions = handles[0].model_versions("iris")
    assert sorted(v.version for v in versions) == list(range(1, 21))
    assert len({v.run_id for v in versions}) == 20


def test_state_migrate_carries_models(store: StateStore, tmp_path: Any) -> None:
    """export_dump/import_dump (`stackctl state migrate`) keep models, versions, stages and
    their history, into either kind of store."""
    from stackctl.state.memory import MemoryStateStore
    from stackctl.state.sqlite import SqliteStateStore

    _versions(store, 2)
    store.promote_model("iris", 1, "production", "ana", "t1")
    store.promote_model("iris", 2, "production", "bo", "t2")
    dump = store.export_dump()
    for target in (MemoryStateStore(), SqliteStateStore(tmp_path / "copy.db")):
        target.import_dump(dump)
        assert target.models() == store.models()
        assert target.model_versions("iris") == store.model_versions("iris")
        assert target.stage_history("iris") == store.stage_history("iris")
        # numbering goes on from where the source was
        assert target.create_model_version(IRIS, "run3", "training", {}, "t3").version == 3
        target.close()


@pytest.mark.postgres
def test_a_number_taken_by_a_concurrent_transaction_is_retried(pg_url: str) -> None:
    """The unique constraint + retry path on PostgreSQL, made deterministic: another
    session holds an uncommitted version 1; our insert waits on the unique index, fails
    when that commits, rolls back to its savepoint and takes number 2 in the same
    transaction."""
    import time

    import psycopg

    from stackctl.state.postgres import PostgresStateStore

    store = PostgresStateStore(pg_url)
    try:
        store.create_model_version(IRIS, "seed", "training", {}, "t0")  # the models row
        with psycopg.connect(pg_url) as other:
            other.execute("DELETE FROM model_versions")
            other.commit()
            other.execute(
                "INSERT INTO model_versions VALUES ('iris', 1, 'theirs', 'p', 't', '', '{}')"
            )  # not committed yet
            result: list[Any] = []
            worker = threading.Thread(
                target=lambda: result.append(
                    store.create_model_version(IRIS, "ours", "training", {}, "t1")
                )
            )
            worker.start()
            time.sleep(0.5)  # ours is now waiting on the unique index
            assert result == []
            other.commit()
            worker.join(timeout=30)
        assert [v.version for v in result] == [2]
        assert [(v.version, v.run_id) for v in store.model_versions("iris")] == [
            (2, "ours"),
            (1, "theirs"),
        ]
    finally:
        store.close()
