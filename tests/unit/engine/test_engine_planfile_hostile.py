"""Hostile plan files: any JSON, resealed with a valid checksum, is a plan or a PlanError.

A forger can recompute the unkeyed checksum, so the fuzzing reseals every document: the
loader, then the consistency check apply runs, must refuse cleanly (PlanError: exit 1,
or StalePlanError: exit 4), never crash with another exception.
"""

from __future__ import annotations

import json
from typing import Any

from engine_builders import res, state
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackctl.engine import planfile
from stackctl.engine.changes import PlanOptions
from stackctl.engine.plan import make_plan
from stackctl.engine.plancheck import check_consistent
from stackctl.errors import PlanError, StalePlanError

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=20,
)

DESIRED = {r.address: r for r in [res("orchestrator.local"), res("artifact_store.a")]}
STATE = state(res("orchestrator.old"), serial=3)


def _document() -> dict[str, Any]:
    plan = make_plan(DESIRED, STATE, options=PlanOptions(), config_digest="sha256:x")
    doc: dict[str, Any] = json.loads(planfile.dumps(plan))
    doc.pop("checksum")
    return doc


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _load_and_check(tmp_path_factory: Any, doc: Any) -> None:
    path = tmp_path_factory.mktemp("hostile") / "plan.json"
    if isinstance(doc, dict):
        doc.pop("checksum", None)
        doc["checksum"] = planfile._checksum(doc)
    path.write_text(json.dumps(doc))
    try:
        plan = planfile.load(path)
        check_consistent(plan, STATE, DESIRED)
    except StalePlanError as exc:
        assert exc.exit_code == 4 and "\n" not in exc.message
    except PlanError as exc:
        assert exc.exit_code == 1 and "\n" not in exc.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), JSON)
def test_any_value_anywhere_in_a_resealed_plan_is_refused_cleanly(tmp_path_factory, data, value):
    doc = _document()
    where = data.draw(st.sampled_from(_paths(doc)))
    _load_and_check(tmp_path_factory, _set(doc, where, value))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_any_json_document_is_refused_cleanly(tmp_path_factory, value):
    _load_and_check(tmp_path_factory, value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_dropped_key_anywhere_is_refused_cleanly(tmp_path_factory, data):
    doc = _document()
    where = data.draw(st.sampled_from([p for p in _paths(doc) if p and isinstance(p[-1], str)]))
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    del parent[where[-1]]
    _load_and_check(tmp_path_factory, doc)
