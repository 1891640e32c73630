"""`-p` values against the type their declared default gives: refused before a run."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.errors import StackctlError
from stackctl.model import PipelineSpec
from stackctl.runtime.params import run_params

SPEC = PipelineSpec(
    "p", (), params={"n": 3, "lr": 0.1, "flag": False, "name": "x", "any": None, "xs": [1]}
)


@pytest.mark.parametrize(
    ("name", "value"),
    [("n", 4), ("lr", 1), ("lr", 0.5), ("flag", True), ("name", "y"), ("any", 1), ("xs", "a")],
)
def test_values_of_the_declared_kind_are_taken(name, value):
    assert run_params(SPEC, {name: value})[name] == value


@pytest.mark.parametrize(
    ("name", "value", "message", "hint"),
    [
        ("n", "many", "takes an integer (its default is 3), not 'many'", "-p n=3"),
        ("n", 1.5, "takes an integer", "as a float"),
        ("n", True, "takes an integer", "-p n=3"),
        ("lr", "fast", "takes a number (its default is 0.1)", "-p lr=0.1"),
        ("flag", 1, "takes true or false", "-p flag=false"),
        ("name", 1, "takes a string (its default is 'x'), not 1", "-p 'name=\"1\"'"),
    ],
)
def test_a_value_of_another_kind_is_refused_with_the_fix(name, value, message, hint):
    with pytest.raises(StackctlError) as caught:
        run_params(SPEC, {name: value})
    assert f"pipeline 'p': parameter {name!r} {message}" in caught.value.message
    assert hint in caught.value.hint
    assert "\n" not in caught.value.message


def test_none_and_sdk_objects_are_left_to_the_step():
    assert run_params(SPEC, {"n": None, "name": Path("data.csv")})["name"] == Path("data.csv")


_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.lists(st.integers())
)


@given(st.dictionaries(st.sampled_from([*SPEC.params, "other"]), _values, max_size=4))
def test_any_overrides_give_params_or_a_stackctl_error(overrides):
    try:
        result = run_params(SPEC, overrides)
    except StackctlError as exc:
        assert exc.hint
    else:
        assert result == {**SPEC.params, **overrides}
