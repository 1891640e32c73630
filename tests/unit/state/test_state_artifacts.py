"""Named artifact versions, tags, metadata and step inputs: one contract, three stores."""

from __future__ import annotations

import sqlite3

import pytest

from stackctl.errors import NotFoundError, StateError
from stackctl.model import (
    ArtifactRecord,
    ArtifactSelector,
    MetadataCopy,
    MetadataEntry,
    NamedOutput,
    StepInput,
)
from stackctl.state.memory import MemoryStateStore
from stackctl.state.metadata_copy import CHUNK
from stackctl.state.sqlite import SqliteStateStore


def record(
    run: str, step: str = "load", output: str = "output", digest: str = "d1"
) -> ArtifactRecord:
    return ArtifactRecord(
        run, step, output, f"/a/{digest}", digest, 10, "json", "builtins.list", run
    )


def test_each_run_adds_the_next_version_even_for_identical_bytes(store):
    first, second = store.record_versions(
        [(NamedOutput("data"), record("r1")), (NamedOutput("data"), record("r2"))]
    )
    assert (first.version, second.version) == (1, 2)
    assert first.digest == second.digest and first.uri == second.uri  # same object
    assert [v.version for v in store.artifact_versions("data")] == [1, 2]
    assert store.artifact_version(ArtifactSelector("data")).run_id == "r2"
    assert store.artifact_version(ArtifactSelector("data", "1")).run_id == "r1"


def test_recording_the_same_output_again_keeps_its_version(store):
    (v1,) = store.record_versions([(NamedOutput("data"), record("r1"))])
    (again,) = store.record_versions([(NamedOutput("data"), record("r1"))])
    assert again.version == v1.version == 1
    assert len(store.artifact_versions("data")) == 1


def test_tags_name_one_version_and_move_when_retagged(store):
    store.record_versions([(NamedOutput("m", ("candidate",)), record("r1"))])
    store.record_versions([(NamedOutput("m"), record("r2", digest="d2"))])
    assert store.artifact_version(ArtifactSelector("m", "candidate")).version == 1
    store.tag_artifact("m", 1, "production")
    assert store.artifact_version(ArtifactSelector("m", "1")).tags == ("candidate", "production")
    moved = store.tag_artifact("m", 2, "production")
    assert moved.version == 2 and moved.tags == ("production",)
    assert store.artifact_version(ArtifactSelector("m", "production")).version == 2
    assert store.artifact_version(ArtifactSelector("m", "1")).tags == ("candidate",)


def test_unknown_names_versions_and_tags_say_what_exists(store):
    store.record_versions([(NamedOutput("iris_model"), record("r1"))])
    with pytest.raises(NotFoundError, match="no artifact is named 'iris_modl'") as caught:
        store.artifact_version(ArtifactSelector("iris_modl"))
    assert "iris_model" in caught.value.hint
    with pytest.raises(NotFoundError, match=r"no version 4 \(versions 1 to 1\)"):
        store.artifact_version(ArtifactSelector("iris_model", "4"))
    with pytest.raises(NotFoundError, match="no version tagged 'prod'"):
        store.artifact_version(ArtifactSelector("iris_model", "prod"))
    with pytest.raises(NotFoundError):
        store.tag_artifact("iris_model", 9, "x")
    with pytest.raises(NotFoundError):
        store.artifact_versions("nothing")


def test_names_list_the_latest_version_of_each(store):
    store.record_versions(
        [
            (NamedOutput("b"), record("r1")),
            (NamedOutput("a"), record("r1", step="s")),
            (NamedOutput("b"), record("r2")),
        ]
    )
    assert [(v.name, v.version) for v in store.artifact_names()] == [("a", 1), ("b", 2)]


def test_versions_of_a_run_for_model_versions(store):
    store.record_versions(
        [(NamedOutput("data"), record("r1")), (NamedOutput("model"), record("r1", "train"))]
    )
    store.record_versions([(NamedOutput("data"), record("r2"))])
    found = store.artifact_versions_for_run("r1")
    assert {(v.name, v.version, v.step, v.output) for v in found} == {
        ("data", 1, "load", "output"),
        ("model", 1, "train", "output"),
    }
    assert store.artifact_versions_for_run("nobody") == []


def test_metadata_keeps_json_values_and_the_latest_value_of_a_key(store):
    store.record_metadata(
        [
            MetadataEntry("r1", "step", "eval", "", "accuracy", 0.5),
            MetadataEntry("r1", "run", "eval", "", "card", {"a": [1, 2], "b": None}),
            MetadataEntry("r1", "artifact", "load", "output", "rows", 150),
        ]
    )
    store.record_metadata([MetadataEntry("r1", "step", "eval", "", "accuracy", 0.9)])
    found = {(e.scope, e.key): e.value for e in store.metadata("r1")}
    assert found == {
        ("step", "accuracy"): 0.9,
        ("run", "card"): {"a": [1, 2], "b": None},
        ("artifact", "rows"): 150,
    }
    with pytest.raises(StateError, match="metadata 'bad'"):
        store.record_metadata([MetadataEntry("r1", "step", "s", "", "bad", float("nan"))])


def keys(store, run_id: str, step: str | None = None) -> list[tuple[str, str, str, str, object]]:
    return [(e.scope, e.step, e.output, e.key, e.value) for e in store.metadata(run_id, step)]


def test_a_copy_gives_a_step_every_key_its_producer_logged(store):
    store.record_metadata(
        [
            MetadataEntry("r1", "step", "train", "", "loss", 0.1),
            MetadataEntry("r1", "artifact", "train", "model", "size", 12),
            MetadataEntry("r1", "run", "train", "", "card", {"a": [1]}),
            MetadataEntry("r1", "step", "other", "", "loss", 9),  # another step: not copied
        ]
    )
    store.record_metadata([MetadataCopy("r2", "fit", "r1", "train")])
    assert keys(store, "r2") == [
        ("step", "fit", "", "loss", 0.1),
        ("artifact", "fit", "model", "size", 12),
        ("run", "fit", "", "card", {"a": [1]}),
    ]
    assert len(keys(store, "r1")) == 4  # the producer's keys stay


def test_copies_come_after_what_is_written_in_hit_then_logging_order(store):
    store.record_metadata(
        [
            MetadataEntry("r1", "step", "b", "", "y", 2),
            MetadataEntry("r1", "step", "a", "", "x", 1),
            MetadataEntry("r1", "step", "b", "", "z", 3),
        ]
    )
    store.record_metadata(
        [
            MetadataEntry("r2", "step", "first", "", "k", 0),
            MetadataCopy("r2", "b2", "r1", "b"),
            MetadataCopy("r2", "a2", "r1", "a"),
            MetadataEntry("r2", "step", "last", "", "k", 4),
        ]
    )
    assert [(e.step, e.key) for e in store.metadata("r2")] == [
        ("first", "k"),
        ("b2", "y"),
        ("b2", "z"),
        ("a2", "x"),
        ("last", "k"),
    ]


def test_a_copy_of_a_step_of_the_same_run_gets_what_this_call_wrote_before_it(store):
    store.record_metadata(
        [
            MetadataEntry("r1", "step", "a", "", "n", 2),
            MetadataCopy("r1", "b", "r1", "a"),  # a hit on a, whose keys are in this call
            MetadataCopy("r1", "c", "r1", "b"),  # and a hit on that hit
        ]
    )
    assert keys(store, "r1") == [
        ("step", "a", "", "n", 2),
        ("step", "b", "", "n", 2),
        ("step", "c", "", "n", 2),
    ]


def test_a_copy_of_a_step_that_logged_nothing_writes_nothing(store):
    store.record_metadata([MetadataEntry("r1", "step", "a", "", "n", 1)])
    store.record_metadata(
        [MetadataCopy("r2", "b", "r1", "quiet"), MetadataCopy("r2", "c", "r0", "a")]
    )
    store.record_metadata([])
    assert keys(store, "r2") == []


def test_more_copies_than_one_statement_takes_are_all_copied_in_order(store):
    count = CHUNK * 2 + 7
    store.record_metadata([MetadataEntry("r1", "step", f"s{i}", "", "i", i) for i in range(count)])
    store.record_metadata(
        [MetadataCopy("r2", f"t{i}", "r1", f"s{i}") for i in reversed(range(count))]
    )
    found = store.metadata("r2")
    assert [(e.step, e.value) for e in found] == [(f"t{i}", i) for i in reversed(range(count))]


def test_the_latest_value_of_a_key_wins_over_and_from_a_copy(store):
    store.record_metadata(
        [
            MetadataEntry("r1", "step", "a", "", "acc", 0.5),
            MetadataEntry("r1", "step", "other", "", "acc", 0.7),
            MetadataEntry("r2", "step", "b", "", "acc", 0.1),
            MetadataEntry("r2", "step", "b", "", "mine", True),
        ]
    )
    store.record_metadata([MetadataCopy("r2", "b", "r1", "a")])  # over what b had
    assert keys(store, "r2") == [("step", "b", "", "acc", 0.5), ("step", "b", "", "mine", True)]
    store.record_metadata(  # two hits on one step in one call: the later one wins
        [MetadataCopy("r2", "b", "r1", "other"), MetadataCopy("r2", "b", "r1", "a")]
    )
    assert keys(store, "r2", "b")[0] == ("step", "b", "", "acc", 0.5)
    store.record_metadata(
        [MetadataCopy("r2", "b", "r1", "other"), MetadataEntry("r2", "step", "b", "", "acc", 1)]
    )
    assert keys(store, "r2", "b")[0] == ("step", "b", "", "acc", 1)


def test_step_inputs_answer_both_directions(store):
    item = StepInput("r2", "split", "df", "r1", "load", "output", "/a/d1", "d1", "data", 1)
    store.record_inputs([item, StepInput("r2", "train", "X", "r2", "split", "X", "/a/x", "x")])
    assert store.step_inputs("r2")[0] == item
    assert store.consumers("r1", "load", "output") == [item]
    assert store.consumers("r1", "load", "other") == []


def test_a_dump_carries_named_versions_to_another_store(store):
    store.record_versions([(NamedOutput("data", ("gold",)), record("r1"))])
    store.record_metadata([MetadataEntry("r1", "run", "s", "", "k", 1)])
    store.record_inputs([StepInput("r1", "s", "a", "r0", "x", "y", "/u", "d")])
    other = MemoryStateStore()
    other.import_dump(store.export_dump())
    assert other.artifact_version(ArtifactSelector("data", "gold")).version == 1
    assert other.metadata("r1")[0].value == 1
    assert other.consumers("r0", "x", "y")[0].step == "s"
    # and the next version continues the numbering
    (v2,) = other.record_versions([(NamedOutput("data"), record("r2"))])
    assert v2.version == 2


def test_a_read_only_open_of_a_v3_file_sees_no_named_artifacts(tmp_path):
    path = tmp_path / "state.db"
    SqliteStateStore(path).close()
    conn = sqlite3.connect(path)  # make it look like stackctl before schema 4
    v4 = ("artifact_versions", "artifact_tags", "metadata", "step_inputs")
    v5 = ("model_stage_changes", "model_versions", "models")  # the models came after
    v7 = ("deployments",)
    for table in (*v4, *v5, *v7):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("ALTER TABLE artifacts DROP COLUMN preview")  # v6
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    reader = SqliteStateStore(path, read_only=True)
    assert reader.artifact_names() == [] and reader.metadata("r") == []
    reader.close()
    check = sqlite3.connect(path)
    assert check.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("3",)
    check.close()
    writer = SqliteStateStore(path)  # a writer migrates it
    assert writer.record_versions([(NamedOutput("d"), record("r"))])[0].version == 1
    writer.close()
