"""Run params, ${params.x} references, argument and type checks."""

from __future__ import annotations

from typing import Annotated, Any

import pytest

from stackctl.errors import StackctlError
from stackctl.model import InputRef, PipelineSpec, StepSpec
from stackctl.runtime.binding import check_arguments, check_types
from stackctl.runtime.imports import StepError
from stackctl.runtime.params import run_params, step_params


def test_run_params_merge_and_refuse_unknown_names():
    spec = PipelineSpec("p", (), params={"a": 1, "b": 2})
    assert run_params(spec, {"b": 3}) == {"a": 1, "b": 3}
    with pytest.raises(StackctlError, match="has no parameter 'c'"):
        run_params(spec, {"c": 1})


def test_step_params_resolve_references_keeping_types():
    step = StepSpec(
        "s", "m:f", params={"n": "${params.n}", "msg": "n=${params.n}", "l": ["${params.n}"]}
    )
    assert step_params(step, {"n": 3}) == {"n": 3, "msg": "n=3", "l": [3]}
    with pytest.raises(StepError, match="'missing' is not declared"):
        step_params(StepSpec("s", "m:f", params={"x": "${params.missing}"}), {})


def f(x: int, y: float = 1.0, *, z: str | None = None) -> None: ...
def g(a: Annotated[list, "meta"], b: int | None, c: Any, d: list[int]) -> None: ...
def kw(**anything: Any) -> None: ...


def test_check_arguments():
    check_arguments(f, StepSpec("s", "m:f", inputs={"x": InputRef("a", "output")}), {})
    check_arguments(kw, StepSpec("s", "m:kw"), {"whatever": 1})
    with pytest.raises(StepError, match="parameter 'w' is not an argument of m:f"):
        check_arguments(f, StepSpec("s", "m:f"), {"x": 1, "w": 2})
    with pytest.raises(StepError, match="argument 'x' of m:f has no input, param or default"):
        check_arguments(f, StepSpec("s", "m:f"), {})


@pytest.mark.parametrize(
    ("function", "values", "ok"),
    [
        (f, {"x": 1, "y": 2, "z": None}, True),  # int is fine for float
        (f, {"x": "1"}, False),
        (f, {"z": 3}, False),
        (g, {"a": [1], "b": None, "c": object(), "d": [1]}, True),
        (g, {"a": (1,)}, False),
        (g, {"d": {}}, False),
    ],
)
def test_check_types(function, values, ok):
    if ok:
        check_types(function, values)
    else:
        with pytest.raises(StepError, match="but the function expects"):
            check_types(function, values)
