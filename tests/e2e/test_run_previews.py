"""Output previews come from state (computed by the worker): the summary, `run --json`
and `runs show` never load an artifact in the CLI, so a pickled object is never
unpickled there (that would run its code) and old runs show the type only."""

from __future__ import annotations

from pathlib import Path

from support.cli import STACKCTL, call, clean_env

STEPS = """\
from pathlib import Path


class Model:
    def __init__(self) -> None:
        self.weights = [0.5, 0.25]

    def __setstate__(self, state: dict) -> None:
        Path("unpickled").touch()  # loading this object anywhere leaves a trace
        self.__dict__.update(state)


def fit() -> Model:
    return Model()


def score(model: Model) -> float:
    return 0.875
"""


def test_previews_are_recorded_and_nothing_is_unpickled_in_the_cli(tmp_path: Path) -> None:
    (tmp_path / "stackctl.yaml").write_text("project: previews\ninclude: [pipelines/*.yaml]\n")
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines/p.yaml").write_text(
        "pipelines:\n  train:\n    steps:\n"
        "      fit: {function: 'steps.model:fit'}\n"
        "      score: {function: 'steps.model:score', inputs: {model: fit.output}}\n"
    )
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps/__init__.py").write_text("")
    (tmp_path / "steps/model.py").write_text(STEPS)
    env = clean_env()
    ran = call([STACKCTL, "run", "train", "--json"], cwd=tmp_path, env=env).json()
    # the score step loaded its input (in the worker): that is the only load
    (tmp_path / "unpickled").unlink()
    outputs = {s["step"]: s["outputs"][0] for s in ran["steps"]}
    assert outputs["fit"]["preview"] == "Model" and outputs["fit"]["type"] == "steps.model.Model"
    assert outputs["score"]["preview"] == "0.875"
    again = call([STACKCTL, "run", "train"], cwd=tmp_path, env=env)  # all cached: no load
    assert "output=Model" in again.out and "output=0.875" in again.out
    shown = call([STACKCTL, "runs", "show", ran["id"]], cwd=tmp_path, env=env)
    assert "PREVIEW" in shown.out and "0.875" in shown.out
    as_json = call([STACKCTL, "runs", "show", ran["id"], "--json"], cwd=tmp_path, env=env).json()
    assert {a["step"]: a["preview"] for a in as_json["artifacts"]} == {
        "fit": "Model",
        "score": "0.875",
    }
    assert not (tmp_path / "unpickled").exists()
