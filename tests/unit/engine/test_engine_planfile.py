from __future__ import annotations

import json
from pathlib import Path

import pytest
from engine_builders import res, stack, state
from hypothesis import given, settings
from hypothesis import strategies as st

from stackctl.engine import planfile
from stackctl.engine.changes import Drift, PlanOptions
from stackctl.engine.plan import make_plan
from stackctl.errors import PlanError


def sample():
    old = [
        res("orchestrator.old"),
        res("artifact_store.a", config={"path": "a"}),
        stack("dev", store="a"),
    ]
    new = [
        res("orchestrator.local"),
        res("artifact_store.a", config={"path": "b"}),
        stack("dev", store="a", orch="local"),
    ]
    return make_plan(
        {r.address: r for r in new},
        state(*old, serial=7),
        options=PlanOptions(targets=("stack.dev",)),
        config_digest="sha256:" + "0" * 64,
        drift=[Drift("artifact_store.z", "gone")],
    )


def test_round_trip_is_exact(tmp_path: Path):
    plan = sample()
    path = tmp_path / "plan.json"
    planfile.save(plan, path, version="1.2.3")
    assert planfile.load(path) == plan
    document = json.loads(path.read_text())
    assert document["serial"] == 7 and document["checksum"].startswith("sha256:")


def test_edited_plan_is_refused(tmp_path: Path):
    path = tmp_path / "plan.json"
    planfile.save(sample(), path)
    path.write_text(path.read_text().replace('"serial": 7', '"serial": 8'))
    with pytest.raises(PlanError, match="modified after it was saved"):
        planfile.load(path)


def test_truncated_plan_is_refused(tmp_path: Path):
    path = tmp_path / "plan.json"
    planfile.save(sample(), path)
    path.write_text(path.read_text()[:200])
    with pytest.raises(PlanError, match="not valid JSON"):
        planfile.load(path)


def test_plan_without_checksum_or_wrong_version_is_refused(tmp_path: Path):
    path = tmp_path / "plan.json"
    path.write_text("{}")
    with pytest.raises(PlanError, match="no checksum"):
        planfile.load(path)
    text = planfile.dumps(sample())
    doc = json.loads(text)
    doc.pop("checksum")
    doc["format_version"] = "9.0"
    doc["checksum"] = planfile._checksum(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(PlanError, match="format '9.0' is not supported"):
        planfile.load(path)


def test_missing_file_is_a_plan_error(tmp_path: Path):
    with pytest.raises(PlanError, match="cannot read"):
        planfile.load(tmp_path / "nope.json")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=4000), st.binary(min_size=1, max_size=3))
def test_any_corruption_is_refused_never_crashes(tmp_path_factory, offset, junk):
    path = tmp_path_factory.mktemp("pf") / "plan.json"
    raw = planfile.dumps(sample()).encode()
    offset %= len(raw)
    corrupted = raw[:offset] + junk + raw[offset + len(junk) :]
    if corrupted == raw:
        return
    path.write_bytes(corrupted)
    try:
        loaded = planfile.load(path)
    except PlanError:
        return
    assert loaded == sample()  # only JSON whitespace changed: same plan, accepted
