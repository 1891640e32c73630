"""`@pipeline(model=...)` declarations and which artifact is "the model"."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl import pipeline, step
from stackctl.errors import StackctlError
from stackctl.model import ArtifactRecord, ModelDecl
from stackctl.runtime.models import model_artifact, model_decl

_VALID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")


@given(st.text(max_size=120))
def test_a_name_is_accepted_exactly_when_the_schema_would(name: str) -> None:
    if _VALID.fullmatch(name):
        assert model_decl(name) == ModelDecl(name)
    else:
        with pytest.raises(StackctlError, match="is not valid"):
            model_decl(name)


def test_the_mapping_form() -> None:
    decl = model_decl({"name": "iris", "description": "d", "tags": ["a", "b"]})
    assert decl == ModelDecl("iris", "d", ("a", "b"))


@pytest.mark.parametrize(
    "bad",
    [{"nam": "iris"}, {"name": 3}, {"name": "iris", "tags": "a"}, {"name": "iris", "x": 1}, 3],
)
def test_bad_declarations_fail_at_the_decorator(bad: object) -> None:
    with pytest.raises(StackctlError, match="not a model declaration"):
        pipeline(model=bad)  # type: ignore[call-overload]


@step
def _one() -> int:
    return 1


def test_the_spec_carries_the_model() -> None:
    @pipeline(model="iris")
    def training() -> None:
        _one()

    assert training.spec.model == ModelDecl("iris")
    assert training.with_options(params={}).spec.model == ModelDecl("iris")


def _record(step: str, materializer: str) -> ArtifactRecord:
    return ArtifactRecord("r", step, "output", f"{step}.x", "d", 1, materializer, "t")


def test_the_model_artifact_is_the_last_object_else_the_last_output() -> None:
    data, fit, score = _record("data", "json"), _record("fit", "joblib"), _record("score", "json")
    assert model_artifact([data, fit, score]) == fit
    assert model_artifact([data, score]) == score
    assert model_artifact([]) is None
