"""`artifacts prune` mark-and-sweep on real stores and real state: a local folder and
S3 (moto server) with SQLite state, and a local folder with PostgreSQL state."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.run_records import every_record_loads, make_model_version, publish, record_run
from support.stores import open_store

from stackctl.components.artifact_stores.base import ArtifactStore, read_verified
from stackctl.components.artifact_stores.fsspec_store import S3ArtifactStore, S3Provisioner
from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.components.artifact_stores.sweep import entries
from stackctl.model import MetadataEntry
from stackctl.runtime.prune import Policy, delete_runs, prune, reference_keys
from stackctl.state.base import StateStore
from stackctl.state.references import VISUALIZATION_SCOPE


@pytest.fixture
def s3_store(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> ArtifactStore:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    config: dict[str, Any] = {
        "uri": f"s3://prune-{uuid.uuid4().hex[:12]}/artifacts",
        "endpoint_url": s3_endpoint,
        "key": "testing",
        "secret": "testing",
    }
    S3Provisioner().create(config, Path("."))
    return S3ArtifactStore("s3", config, Path("."))


@pytest.fixture(
    params=["local-sqlite", "s3-sqlite", pytest.param("local-postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[StateStore, ArtifactStore]]:
    store_kind, state_kind = request.param.split("-")
    if store_kind == "s3":
        store = request.getfixturevalue("s3_store")
    else:
        store = LocalArtifactStore("local", {"path": "artifacts"}, tmp_path)
    target = (
        request.getfixturevalue("pg_url") if state_kind == "postgres" else str(tmp_path / "s.db")
    )
    state = open_store(target)
    try:
        yield state, store
    finally:
        state.close()


def _keys(store: ArtifactStore) -> set[str]:
    return {e.key for e in entries(store)}


def test_prune_frees_what_no_kept_record_needs(world: tuple[StateStore, ArtifactStore]) -> None:
    state, store = world
    local = isinstance(store, LocalArtifactStore)
    named, named_records = record_run(
        state, store, {"a": b"named", "b": b"n2"}, age_s=900, log=local
    )
    publish(state, named_records[0], "data", ("gold",))
    model, _ = record_run(state, store, {"a": b"model"}, age_s=800, pipeline="train")
    make_model_version(state, model)
    old, old_records = record_run(state, store, {"a": b"old", "b": b"shared"}, age_s=700, log=local)
    record_run(state, store, {"a": b"older"}, age_s=650)
    newest, _ = record_run(
        state, store, {"a": b"new"}, age_s=600, reuse=[old_records[1]], log=local
    )

    dry = prune(state, {"s": store}, Policy(keep_last=1, grace_s=0), dry_run=True)
    assert len(state.runs()) == 5 and dry.objects == (
        3 if local else 2
    )  # old.a, older.a (+ old's log)

    result = prune(state, {"s": store}, Policy(keep_last=1, grace_s=0))

    assert {r.id for r in state.runs()} == {named.id, model.id, newest.id}
    assert len(result.runs) == 2
    assert result.objects == dry.objects and result.bytes == dry.bytes
    assert _keys(store) == reference_keys(state.object_references())  # old.b: newest reused it
    every_record_loads(state, store)
    again = prune(state, {"s": store}, Policy(keep_last=1, grace_s=0))
    assert (len(again.runs), again.objects) == (0, 0)


def test_grace_keeps_objects_written_since(world: tuple[StateStore, ArtifactStore]) -> None:
    state, store = world
    record_run(state, store, {"a": b"1"}, age_s=200)
    record_run(state, store, {"a": b"2"}, age_s=100)

    result = prune(state, {"s": store}, Policy(keep_last=1, grace_s=3600))

    assert (len(result.runs), result.objects, result.young) == (1, 0, 1)
    assert len(_keys(store)) == 2  # the unreferenced one stays until it is older


def test_runs_delete_artifacts_on_real_stores(world: tuple[StateStore, ArtifactStore]) -> None:
    state, store = world
    keep, _ = record_run(state, store, {"a": b"shared"})
    gone, _ = record_run(state, store, {"a": b"shared", "b": b"mine"})

    result = delete_runs(state, {"s": store}, [gone], artifacts=True)

    assert result.objects == 1 and [r.id for r in state.runs()] == [keep.id]
    assert every_record_loads(state, store) == 1


def test_prune_keeps_the_visualizations_of_kept_outputs(
    world: tuple[StateStore, ArtifactStore],
) -> None:
    """A visualization is referenced only by its metadata row (scope `visualization`):
    prune frees it with its run and keeps it while its run is kept."""
    state, store = world
    old, _ = record_run(state, store, {"a": b"old"}, age_s=700)
    kept, _ = record_run(state, store, {"a": b"frame"}, age_s=600)
    shown = {}
    for run, body in ((old, b"x\n1\n"), (kept, b"x\n2\n")):
        stored = store.put("a.head.csv", lambda fp, body=body: fp.write(body))
        shown[run.id] = stored
        value = {"media_type": "text/csv", "uri": stored.uri, "digest": stored.digest}
        state.record_metadata(
            [MetadataEntry(run.id, VISUALIZATION_SCOPE, "make", "a", "head", value)]
        )

    result = prune(state, {"s": store}, Policy(keep_last=1, grace_s=0))

    assert [r.id for r in state.runs()] == [kept.id]
    assert result.objects == 2  # the old run's output and its visualization
    stored = shown[kept.id]
    assert read_verified(store, stored.uri, stored.digest, "visualization") == b"x\n2\n"
    assert _keys(store) == reference_keys(state.object_references())
