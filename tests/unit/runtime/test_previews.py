"""The summary's one-line previews of step outputs: bounded, never a repr of objects."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from stackctl.runtime.previews import preview


def test_scalars_and_short_strings_are_inline() -> None:
    assert preview(0.96666666) == "0.9667"
    assert preview(2.0) == "2.0" and preview(-100.0) == "-100.0" and preview(1e20) == "1e+20"
    assert preview(float("nan")) == "nan" and preview(float("-inf")) == "-inf"
    assert preview(42) == "42"
    assert preview(True) == "True"
    assert preview(None) == "None"
    assert preview("hi") == "'hi'"


def test_containers_show_their_shape_not_their_content() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [4.0, 5.0, 6.0]})
    assert preview(frame) == "DataFrame 3x2 [a, b]"
    assert preview(frame["a"]) == "Series 3 int64"
    assert preview(np.zeros((4, 2), dtype="float32")) == "ndarray 4x2 float32"
    assert preview([1, 2, 3]) == "list[3]"
    assert preview(b"\0" * 10) == "bytes[10]"


def test_other_objects_are_their_type_and_never_their_repr() -> None:
    class Client:
        def __repr__(self) -> str:
            return "Client(token='s3cret')"

    assert preview(Client()) == "Client"


@given(st.text())
def test_every_string_preview_is_bounded(text: str) -> None:
    assert len(preview(text)) <= 60


def test_a_wide_frame_lists_few_columns() -> None:
    frame = pd.DataFrame({f"column_{i}": [i] for i in range(100)})
    shown = preview(frame)
    assert shown.startswith("DataFrame 1x100 [column_0, column_1") and len(shown) <= 60


@given(st.floats())
def test_a_float_preview_never_reads_as_an_int(value: float) -> None:
    shown = preview(value)
    assert not shown.lstrip("-").isdigit() and len(shown) <= 12
