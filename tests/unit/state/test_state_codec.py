"""Any JSON config survives every store unchanged (hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackctl.errors import StateError
from stackctl.model import Resource
from stackctl.state import codec
from stackctl.state.sqlite import SqliteStateStore

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
configs = st.dictionaries(st.text(), json_values, max_size=5)


@given(config=configs, outputs=configs, depends=st.lists(st.text(), max_size=3))
def test_rows_round_trip(config, outputs, depends):
    resource = Resource("a.b", "a", "b", None, config, outputs, depends_on=tuple(depends))
    assert codec.resource_from_row(codec.resource_to_row(resource)) == resource


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=configs)
def test_sqlite_round_trip(tmp_path, config):
    store = SqliteStateStore(tmp_path / "state.db")
    resource = Resource("orchestrator.x", "orchestrator", "x", "local", config)
    with store.lock("apply"):
        store.commit(upserts=[resource], operation="apply", who="h", summary="")
    assert store.read().resources["orchestrator.x"].config == config
    store.close()


@pytest.mark.parametrize("bad", [math.nan, object(), {1j: 1}])
def test_non_json_values_are_refused(bad):
    with pytest.raises(StateError, match="cannot store x.y config"):
        codec.resource_to_row(Resource("x.y", "x", "y", None, {"v": bad}))
