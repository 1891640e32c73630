"""The small parts: query validation (property-based), time formatting, DAG geometry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.exceptions import HTTPException

from stackctl import timefmt
from stackctl.dashboard import dag, logs, params


@given(
    st.dictionaries(st.sampled_from(["limit", "offset", "status", "stack"]), st.text(max_size=12))
)
def test_query_validation_either_accepts_or_says_400(query):
    try:
        limit, offset = params.page(query)
        params.status(query)
        params.filter_name(query, "stack")
    except HTTPException as exc:
        assert exc.status_code == 400 and exc.detail
    else:
        assert 1 <= limit <= params.MAX_LIMIT and offset >= 0


@given(st.text(max_size=80))
def test_names_from_urls_are_safe_or_404(raw):
    try:
        value = params.name(raw, "stack")
    except HTTPException as exc:
        assert exc.status_code == 404
    else:
        assert "/" not in value and not value.startswith(".") and len(value) <= 128


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, ""), (0.4231, "0.42s"), (12.34, "12.3s"), (65, "1m 05s"), (7380, "2h 03m")],
)
def test_duration(seconds, text):
    assert timefmt.duration(seconds) == text


def test_between_and_when():
    assert timefmt.between("2026-01-01T10:00:00Z", "2026-01-01T10:00:30+00:00") == 30
    assert timefmt.between("2026-01-01T10:00:00", None) is None
    assert timefmt.between("garbage", "2026-01-01T10:00:00") is None
    assert timefmt.when("2026-01-01T10:00:00+01:00") == "2026-01-01 09:00:00 UTC"
    assert timefmt.when("not a time") == "not a time"


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KB"), (3 * 1024**3, "3.0 GB")]
)
def test_size(n, text):
    assert timefmt.size(n) == text


def _step(name, status="completed"):
    return {"step": name, "status": status, "caption": status, "url": f"/x/{name}"}


def test_dag_columns_follow_dependencies_and_long_edges_go_around():
    steps = [_step(n) for n in ("a", "b", "c", "d")]
    drawing = dag.drawing(steps, [("a", "b"), ("b", "c"), ("a", "c"), ("a", "d")])
    x = {n["step"]: n["x"] for n in drawing["nodes"]}
    y = {n["step"]: n["y"] for n in drawing["nodes"]}
    assert x["a"] < x["b"] < x["c"] and x["d"] == x["b"] and y["d"] > y["b"]
    long_edge = next(e for e in drawing["edges"] if (e["from"], e["to"]) == ("a", "c"))
    assert " L" in long_edge["d"]  # routed along the lane above the nodes
    assert drawing["width"] >= x["c"] + dag.NODE_W and drawing["height"] >= y["d"] + dag.NODE_H


def test_dag_ignores_unknown_edges_and_survives_cycles():
    steps = [_step("a"), _step("b")]
    assert dag.drawing(steps, [("a", "zzz")])["edges"] == []
    cyclic = dag.drawing(steps, [("a", "b"), ("b", "a")])
    assert cyclic["edges"] == [] and len(cyclic["nodes"]) == 2


def test_long_step_names_are_shortened_in_the_drawing():
    node = dag.drawing([_step("x" * 40)], [])["nodes"][0]
    assert len(node["label"]) == dag.MAX_LABEL and node["step"] == "x" * 40


def test_log_read_limits_and_decodes(tmp_path):
    path = tmp_path / "log.txt"
    path.write_bytes(b"abc\xff" + b"z" * 100)
    head = logs.read(str(path), limit=10)
    assert head.truncated and head.size == 104 and head.text.startswith("abc\ufffd")
    assert logs.read(path.as_uri()).text.endswith("z")  # file:// URIs work too
    assert logs.read("").error and logs.read(str(tmp_path / "missing")).error
