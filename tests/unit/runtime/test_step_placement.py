"""`@step(step_operator=..., resources=...)`: carried into the spec and the pipeline
version (not the cache key), checked at decoration; what the schedulers are given and
the one-line refusals when no worker could place a step."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.golden import check_golden

from stackctl import pipeline, step
from stackctl.components.orchestrators.placement import (
    check_dask,
    check_ray,
    placed,
    ray_options,
)
from stackctl.errors import StackctlError
from stackctl.runtime.compiler import pipeline_version
from stackctl.runtime.execute import StepResult

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "placement"


@step(step_operator="big", resources={"cpu": 2, "memory": 512})
def _heavy() -> int:
    return 1


@step
def _light() -> int:
    return 2


def test_the_spec_carries_the_operator_and_the_resources() -> None:
    @pipeline
    def placed_pipeline() -> None:
        _heavy()
        _light()

    heavy, light = placed_pipeline.spec.steps
    assert heavy.step_operator == "big" and heavy.resources == {"cpu": 2.0, "memory": 512.0}
    assert light.step_operator is None and light.resources == {}


def test_only_a_placed_step_changes_the_pipeline_version() -> None:
    @pipeline
    def plain() -> None:
        _light()

    spec = plain.spec
    (only,) = spec.steps
    assert pipeline_version(spec) == pipeline_version(replace(spec, steps=(replace(only),)))
    moved = replace(spec, steps=(replace(only, step_operator="big"),))
    needy = replace(spec, steps=(replace(only, resources={"gpu": 1.0}),))
    assert len({pipeline_version(spec), pipeline_version(moved), pipeline_version(needy)}) == 3


bad_amounts = st.one_of(
    st.text(), st.booleans(), st.none(), st.floats(max_value=-1e-9), st.integers(max_value=-1)
)


@given(amount=bad_amounts)
def test_a_resource_that_is_not_a_number_ge_0_is_refused_at_decoration(amount: Any) -> None:
    with pytest.raises(StackctlError, match="not a number >= 0"):
        step(resources={"cpu": amount})(_light.func)


def test_ray_options_use_rays_names_and_megabytes() -> None:
    options = ray_options({"cpu": 2, "gpu": 0.5, "memory": 1, "tpu": 1})
    assert options == {
        "num_cpus": 2,
        "num_gpus": 0.5,
        "memory": 1024 * 1024,
        "resources": {"tpu": 1},
    }
    assert ray_options({}) == {}


def test_a_step_no_worker_can_place_is_refused_in_one_line() -> None:
    with pytest.raises(StackctlError) as on_ray:
        check_ray("train", {"cpu": 64}, {"CPU": 2.0, "memory": 1e9})
    with pytest.raises(StackctlError) as on_dask:
        check_dask("train", {"gpu": 1}, {"w1": {"resources": {"cpu": 2}}, "w2": {}})
    check_ray("train", {"cpu": 2, "memory": 100}, {"CPU": 2.0, "memory": 200 * 1024 * 1024})
    check_dask(
        "train", {"cpu": 2}, {"w1": {"resources": {"cpu": 1}}, "w2": {"resources": {"cpu": 2}}}
    )
    check_golden(GOLDEN / "ray_refused.txt", str(on_ray.value) + "\n")
    check_golden(GOLDEN / "dask_refused.txt", str(on_dask.value) + "\n")


def test_the_innermost_placement_wins() -> None:
    result = StepResult("s", True, 1, "a", "b", 0.1)
    inner = placed(result, "dask", "tcp://127.0.0.1:1")
    assert inner.ran_on["executor"] == "dask"
    assert placed(inner, "ray", "127.0.0.1").ran_on == inner.ran_on
    assert placed("not a result", "ray", "x") == "not a result"
