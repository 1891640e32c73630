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


class _Registry:
    """A recording model registry; ``down`` makes every call fail."""

    name = "rec"

    def __init__(self, down: bool = False) -> None:
        self.down = down
        self.calls: list[tuple[str, object]] = []

    def register_version(self, model: ModelDecl, version: object, source: str) -> None:
        if self.down:
            raise ConnectionError("registry is down")
        self.calls.append(("version", (model.name, getattr(version, "version", None), source)))

    def set_stages(self, model: str, changes: object) -> None:
        if self.down:
            raise ConnectionError("registry is down")
        self.calls.append(("stages", [(c.version, c.to_stage) for c in changes]))  # type: ignore[attr-defined]


def _completed_run(store: object) -> object:
    from stackctl.model import Run, RunStatus

    run = Run("r1", "training", "dev", RunStatus.COMPLETED, "t0", "t1", params={"n": 1})
    store.record_run(run)  # type: ignore[attr-defined]
    from dataclasses import replace

    store.record_artifacts([replace(_record("fit", "joblib"), run_id=run.id)])  # type: ignore[attr-defined]
    return run


def test_versions_and_stage_changes_reach_the_registry() -> None:
    from stackctl.components.artifact_stores.memory import MemoryArtifactStore
    from stackctl.model import PipelineSpec
    from stackctl.runtime.models import promote, record_version
    from stackctl.state.memory import MemoryStateStore

    store, registry = MemoryStateStore(), _Registry()
    spec = PipelineSpec("training", (), model=ModelDecl("iris"))
    run = _completed_run(store)
    artifacts = MemoryArtifactStore("mem", {}, None)  # type: ignore[arg-type]
    made = record_version(spec, run, store, registry, artifacts, "t2")  # type: ignore[arg-type]
    assert made is not None and made.version == 1 and made.metadata == {"params": {"n": 1}}
    promote(store, "iris", 1, "production", "ana", "t3", registry)
    assert registry.calls == [("version", ("iris", 1, "fit.x")), ("stages", [(1, "production")])]


def test_a_registry_that_is_down_costs_a_warning_not_the_version(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from stackctl.components.artifact_stores.memory import MemoryArtifactStore
    from stackctl.model import PipelineSpec
    from stackctl.runtime.models import promote, record_version
    from stackctl.state.memory import MemoryStateStore

    store, registry = MemoryStateStore(), _Registry(down=True)
    spec = PipelineSpec("training", (), model=ModelDecl("iris"))
    artifacts = MemoryArtifactStore("mem", {}, None)  # type: ignore[arg-type]
    made = record_version(spec, _completed_run(store), store, registry, artifacts, "t2")  # type: ignore[arg-type]
    assert made is not None
    assert promote(store, "iris", 1, "production", "ana", "t3", registry)
    assert store.model_version("iris", "production").version == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        "model registry 'rec' did not take the version: registry is down",
        "model registry 'rec' did not take the stage change: registry is down",
    ]
