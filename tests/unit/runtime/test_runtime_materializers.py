"""Materializers: chosen by type, round trip through a store, fallback warned about."""

from __future__ import annotations

import enum

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.components.artifact_stores.memory import MemoryArtifactStore
from stackctl.errors import StackctlError
from stackctl.runtime import materializers as m

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


class Color(enum.IntEnum):
    RED = 1


def pick(value):
    return next(x for x in m.materializers() if x.handles(value))


def roundtrip(store, value):
    materializer = pick(value)
    stored = store.put(f"o.{materializer.extension}", lambda fp: materializer.write(value, fp))
    return materializer, materializer.load(store, stored.uri)


@given(json_values)
def test_json_values_round_trip(value):
    materializer, loaded = roundtrip(MemoryArtifactStore("m", {}, None), value)
    assert materializer.name == "json" and loaded == value


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (b"raw", "bytes"),
        ((1, 2), "joblib"),  # a tuple would come back from JSON as a list
        (Color.RED, "joblib"),
        ({1: "int key"}, "joblib"),
        (np.float64(1.5), "joblib"),
    ],
)
def test_materializer_choice_keeps_the_type(value, name):
    materializer, loaded = roundtrip(MemoryArtifactStore("m", {}, None), value)
    assert materializer.name == name and loaded == value and type(loaded) is type(value)
    assert materializer.fallback is (name == "joblib")


def test_numpy_loads_memory_mapped_from_local_files(tmp_path):
    array = np.arange(12, dtype="int32").reshape(3, 4)
    materializer, loaded = roundtrip(LocalArtifactStore("l", {}, tmp_path), array)
    assert materializer.name == "numpy" and isinstance(loaded, np.memmap)
    assert (loaded == array).all()
    loaded[0, 0] = 99  # copy-on-write: the step may modify its input, the file is untouched
    _, again = roundtrip(LocalArtifactStore("l", {}, tmp_path), array)
    assert again[0, 0] == 0
    _, in_memory = roundtrip(MemoryArtifactStore("m", {}, None), array)
    assert type(in_memory) is np.ndarray and (in_memory == array).all()


def test_pandas_goes_to_parquet():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    materializer, loaded = roundtrip(MemoryArtifactStore("m", {}, None), frame)
    assert materializer.name == "pandas"
    pd.testing.assert_frame_equal(loaded, frame)


def test_registered_materializers_come_first_and_change_the_registry_digest(monkeypatch):
    class Upper:
        name, version, extension, fallback = "upper", "1", "txt", False

        def handles(self, value):
            return isinstance(value, str) and value.isupper()

        def write(self, value, fp):
            fp.write(value.encode())

        def load(self, store, uri):
            with store.open(uri) as fp:
                return fp.read().decode()

    before = m.registry_digest()
    monkeypatch.setattr(m, "_registered", [])
    m.register(Upper())
    try:
        assert pick("LOUD").name == "upper" and pick("quiet").name == "json"
        assert m.by_name("upper").name == "upper"
        assert m.registry_digest() != before
    finally:
        m.materializers.cache_clear()


def test_unknown_materializer_name_says_what_to_install():
    with pytest.raises(StackctlError, match="no materializer named 'nope' is installed"):
        m.by_name("nope")
    assert m.by_name("pickle").name == "pickle"


def test_type_names():
    assert m.type_name(1) == "int"
    assert m.type_name(np.zeros(1)) == "numpy.ndarray"
