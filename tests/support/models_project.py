"""A tmp project whose pipeline declares a model, for the model tests (CLI, client,
MLflow mirror, dashboard). Its "model" is a pickled Fraction (stdlib: loadable anywhere)."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = """\
project: models-e2e
include: [stacks/*.yaml, pipelines/*.yaml]
"""

STACKS = """\
components:
  orchestrator:
    local: {flavor: local}
  artifact_store:
    local: {flavor: local, config: {path: .stackctl/store}}
  model_registry:
    mlflow: {flavor: mlflow}
stacks:
  dev: {orchestrator: local, artifact_store: local}
  registry: {orchestrator: local, artifact_store: local, model_registry: mlflow}
"""

PIPELINES = """\
pipelines:
  train:
    model: {name: ratio, description: a ratio that learns, tags: [demo]}
    params: {n: 3}
    steps:
      data: {function: "model_steps:data", params: {n: "${params.n}"}}
      fit: {function: "model_steps:fit", inputs: {xs: data.output}}
      score: {function: "model_steps:score", inputs: {model: fit.output}}
  fails:
    model: ratio
    steps:
      data: {function: "model_steps:data", params: {n: 2}}
      boom: {function: "model_steps:boom", inputs: {xs: data.output}}
"""

STEPS = """\
from fractions import Fraction


def data(n: int) -> list[int]:
    return list(range(1, n + 1))


def fit(xs: list[int]) -> Fraction:
    return Fraction(sum(xs), len(xs) + 1)


def score(model: Fraction) -> float:
    return float(model)


def boom(xs: list[int]) -> int:
    raise RuntimeError("boom")
"""


def write_project(root: Path) -> Path:
    (root / "stacks").mkdir(parents=True)
    (root / "pipelines").mkdir()
    (root / "stackctl.yaml").write_text(PROJECT)
    (root / "stacks" / "local.yaml").write_text(STACKS)
    (root / "pipelines" / "train.yaml").write_text(PIPELINES)
    (root / "model_steps.py").write_text(STEPS)
    return root


_RUN = re.compile(r"\b[0-9a-f]{32}\b")
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00| UTC)")
_DIGEST = re.compile(r"sha256:[0-9a-f]{12}")
_USER = re.compile(r"\bby \S+$", re.MULTILINE)


def normalized(text: str, runs: list[str]) -> str:
    """Run ids as RUN1, RUN2... (in ``runs`` order), times as TIME, digests as DIGEST."""
    for index, run in enumerate(runs, 1):
        # the 8-character short id keeps its width, so table columns stay aligned
        text = text.replace(run, f"RUN{index}").replace(run[:8], f"RUN{index}".ljust(8, "_"))
    text = _USER.sub("by USER", _RUN.sub("RUN", text))
    return _DIGEST.sub("sha256:DIGEST", _TIME.sub("TIME", text))
