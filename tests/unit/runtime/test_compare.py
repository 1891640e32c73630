"""runtime.compare: rows for params, metadata, steps and outputs, each knowing whether it
differs; runtime.series: a numeric key across runs and model versions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.errors import NotFoundError, StackctlError
from stackctl.model import ArtifactRecord, MetadataEntry, ModelDecl, Run, RunStatus, StepRun
from stackctl.runtime.compare import (
    ABSENT,
    SECTIONS,
    RunRecords,
    compare,
    flatten,
    load,
    metadata_keys,
    text,
)
from stackctl.runtime.series import model_series, number, pipeline_series
from stackctl.state.memory import MemoryStateStore


def _run(run_id: str, params: dict[str, Any], started: str = "2026-01-01T10:00:00+00:00") -> Run:
    return Run(
        run_id,
        "training",
        "dev",
        RunStatus.COMPLETED,
        started,
        started.replace("10:00:00", "10:00:05"),
        params=params,
        pipeline_version="v1",
    )


def _records(
    run_id: str, params: dict[str, Any], metadata: dict[str, Any], digest: str, cached: bool
) -> RunRecords:
    steps = [
        StepRun(
            run_id, "load", RunStatus.CACHED if cached else RunStatus.COMPLETED, duration_s=1.0
        ),
        StepRun(run_id, "train", RunStatus.COMPLETED, duration_s=2.5 if cached else 3.0),
    ]
    artifacts = [
        ArtifactRecord(run_id, "train", "output", "uri", digest, 1, "json", "int"),
    ]
    entries = [MetadataEntry(run_id, "run", "train", "", k, v) for k, v in metadata.items()]
    entries.append(MetadataEntry(run_id, "step", "train", "", "loss", 0.5))
    return RunRecords(_run(run_id, params), steps, artifacts, entries, "completed")


def _by_key(rows: Any) -> dict[tuple[str, str], Any]:
    return {(r.section, r.key): r for r in rows}


def test_rows_know_what_differs() -> None:
    a = _records("a1", {"seed": 1, "lr": 0.1}, {"metrics": {"acc": 0.9, "f1": 0.8}}, "d1", False)
    b = _records("b2", {"seed": 2, "lr": 0.1}, {"metrics": {"acc": 0.95, "f1": 0.8}}, "d2", True)
    result = compare([a, b])
    rows = _by_key(result.rows)
    assert rows[("params", "seed")].differs and rows[("params", "seed")].values == (1, 2)
    assert not rows[("params", "lr")].differs
    assert rows[("metadata", "metrics.acc")].differs  # flattened: the leaf that changed
    assert not rows[("metadata", "metrics.f1")].differs
    assert not rows[("metadata", "train: loss")].differs
    assert rows[("steps", "load cached")].values == (False, True)
    assert rows[("steps", "load status")].values == ("completed", "cached")
    assert rows[("outputs", "train.output")].differs
    # durations are shown, never a difference
    duration = rows[("steps", "train duration_s")]
    assert duration.timing and not duration.differs and duration.values == (3.0, 2.5)
    assert rows[("run", "duration_s")].values == (5.0, 5.0)
    assert [(r.section, r.key) for r in result.differing] == [
        ("params", "seed"),
        ("metadata", "metrics.acc"),
        ("steps", "load status"),
        ("steps", "load cached"),
        ("outputs", "train.output"),
    ]
    assert result.identical == len([r for r in result.rows if not r.timing]) - 5
    order = [SECTIONS.index(r.section) for r in result.rows]
    assert order == sorted(order)  # rows come section by section, in display order


def test_a_key_only_one_run_has_is_absent_in_the_other() -> None:
    a = _records("a1", {"seed": 1}, {"extra": None}, "d", False)
    b = _records("b2", {"seed": 1}, {}, "d", False)
    row = _by_key(compare([a, b]).rows)[("metadata", "extra")]
    assert row.values == (None, ABSENT) and row.differs  # a logged None is not "absent"
    assert text(row, row.values[0]) == "null" and text(row, row.values[1]) == "-"


def test_equal_values_in_another_spelling_are_equal() -> None:
    a = _records("a1", {"cfg": {"b": 1, "a": [1, 2]}, "n": 1}, {}, "d", False)
    b = _records("b2", {"cfg": {"a": [1, 2], "b": 1}, "n": 1.0}, {}, "d", False)
    assert not compare([a, b]).differing


def test_flatten_and_metadata_keys() -> None:
    assert flatten({"a": {"b": {"c": 1}}, "d": [1], "e": {}}) == {"a.b.c": 1, "d": [1], "e": {}}
    entries = [
        MetadataEntry("r", "run", "s", "", "acc", 1),
        MetadataEntry("r", "step", "s", "", "card", {"x": 2}),
        MetadataEntry("r", "artifact", "s", "out", "rows", 3),
    ]
    assert metadata_keys(entries) == {"acc": 1, "s: card.x": 2, "s.out: rows": 3}


def _store() -> MemoryStateStore:
    store = MemoryStateStore()
    for i, (run_id, acc) in enumerate([("aaaa1111", 0.5), ("bbbb2222", 0.75), ("cccc3333", 1)]):
        store.record_run(_run(run_id, {"seed": i}, f"2026-01-0{i + 1}T10:00:00+00:00"))
        store.record_step(StepRun(run_id, "train", RunStatus.COMPLETED, duration_s=1.0))
        store.record_metadata(
            [
                MetadataEntry(run_id, "run", "train", "", "acc", acc),
                MetadataEntry(run_id, "run", "train", "", "flag", True),
                MetadataEntry(run_id, "run", "train", "", "name", "x"),
            ]
        )
    return store


def test_load_accepts_prefixes_and_latest() -> None:
    result = load(_store(), ["latest", "aaaa"])
    assert [r.id for r in result.runs] == ["cccc3333", "aaaa1111"]
    assert ("params", "seed") in {(r.section, r.key) for r in result.differing}


@pytest.mark.parametrize("ids", [["aaaa"], ["aaaa", "aaaa1111"], ["latest", "cccc"], []])
def test_load_needs_two_different_runs(ids: list[str]) -> None:
    with pytest.raises(StackctlError, match="at least two different runs"):
        load(_store(), ids)


def test_load_unknown_run_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        load(_store(), ["aaaa", "zzzz"])


def test_pipeline_series_oldest_first_numbers_only() -> None:
    series = pipeline_series(_store(), "training", "acc")
    assert [(p.run_id, p.value) for p in series.points] == [
        ("aaaa1111", 0.5),
        ("bbbb2222", 0.75),
        ("cccc3333", 1.0),
    ]
    assert series.keys == ("acc", "params.seed")  # a bool and a string are not numbers
    assert pipeline_series(_store(), "training", "flag").points == ()
    assert pipeline_series(_store(), "nope", "acc").points == ()


def test_model_series_across_versions() -> None:
    store = _store()
    for run_id in ("aaaa1111", "cccc3333"):
        store.create_model_version(
            ModelDecl("clf"), run_id, "training", {"score": len(run_id)}, "2026-01-09T00:00:00Z"
        )
    series = model_series(store, "clf", "acc")
    assert [(p.label, p.value) for p in series.points] == [("v1", 0.5), ("v2", 1.0)]
    assert "score" in series.keys
    with pytest.raises(NotFoundError):
        model_series(store, "nope", "acc")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1.0), (0.5, 0.5), (True, None), ("1", None), (float("nan"), None), (10**400, None)],
)
def test_number(value: Any, expected: float | None) -> None:
    assert number(value) == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    st.dictionaries(st.text(max_size=10), json_values, max_size=5),
)
def test_any_metadata_compares_without_crashing(
    left: dict[str, Any], right: dict[str, Any]
) -> None:
    result = compare(
        [_records("a1", left, left, "d", False), _records("b2", right, right, "d", False)]
    )
    for row in result.rows:
        assert len(row.values) == 2
        for value in row.values:
            assert "\n" not in text(row, value)
    same = compare([_records("a1", left, left, "d", False), _records("b2", left, left, "d", False)])
    assert not same.differing  # a run compared with its twin: nothing changed
