"""`stackctl.client.get_model`: the right version, its artifacts loaded and verified."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from support.models_project import write_project
from support.steps import forget

from stackctl import client
from stackctl.components.artifact_stores.base import ArtifactCorruptedError
from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.errors import NotFoundError, StackctlError
from stackctl.launch import run
from stackctl.project import Project


@pytest.fixture
def trained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_project(tmp_path)
    monkeypatch.delenv("STACKCTL_STACK", raising=False)
    project = Project(root)
    try:
        for n in (3, 5):
            run(project, "train", params={"n": n}, cache=False)
        with pytest.raises(StackctlError):
            run(project, "fails")
        project.state().promote_model("ratio", 1, "production", "tester", "t")
    finally:
        project.close()
        forget("model_steps")
    return root


def test_get_model_by_stage_version_and_latest(trained: Path) -> None:
    production = client.get_model("ratio", stage="production", project=trained)
    assert production.version.version == 1
    assert production.model == Fraction(6, 4)
    assert production["data.output"] == [1, 2, 3]
    assert production["score.output"] == 1.5
    latest = client.get_model("ratio", project=trained)
    assert (latest.version.version, latest.model) == (2, Fraction(15, 6))
    assert client.get_model("ratio", version=2, project=trained).version == latest.version
    assert {r.step for r in latest.records} == {"data", "fit", "score"}


def test_get_model_refuses_bad_requests(trained: Path) -> None:
    with pytest.raises(NotFoundError, match="no version in stage 'staging'"):
        client.get_model("ratio", stage="staging", project=trained)
    with pytest.raises(NotFoundError, match="has no version 3"):
        client.get_model("ratio", version=3, project=trained)
    with pytest.raises(StackctlError, match="not both"):
        client.get_model("ratio", stage="production", version=1, project=trained)
    with pytest.raises(StackctlError, match="does not name a version"):
        client.get_model("ratio", stage="prod", project=trained)
    with pytest.raises(NotFoundError, match="model 'ration' does not exist"):
        client.get_model("ration", project=trained)


def test_a_tampered_model_file_is_refused_before_unpickling(trained: Path) -> None:
    model = client.get_model("ratio", stage="production", project=trained)
    fit = next(r for r in model.records if r.step == "fit")
    store = LocalArtifactStore("default", {"path": ".stackctl/artifacts"}, trained)  # default stack
    path = Path(store.local_path(fit.uri) or "")
    assert path.is_file()
    path.chmod(0o644)
    path.write_bytes(b"not the pickle that was recorded")
    with pytest.raises(ArtifactCorruptedError):
        client.get_model("ratio", stage="production", project=trained)
