"""The model registry (docs/models.md): declared models, their versions and stages, and
the deployments serving them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from stackctl.frozen import frozen

#: The stages a model version can be promoted to; staging and production hold one
#: version at a time, archived any number.
MODEL_STAGES: tuple[str, ...] = ("staging", "production", "archived")
EXCLUSIVE_STAGES: tuple[str, ...] = ("staging", "production")


@frozen
class ModelDecl:
    """A pipeline's `model:` declaration (YAML, or ``@pipeline(model=...)``)."""

    name: str
    description: str = ""
    tags: tuple[str, ...] = ()


@frozen
class ModelVersion:
    """Version N of a model: made by one completed run of a pipeline declaring it."""

    model: str
    version: int
    run_id: str
    pipeline: str
    created_at: str
    stage: str = ""  # "" (none), or one of MODEL_STAGES
    metadata: Mapping[str, Any] = field(default_factory=dict)


@frozen
class ModelSummary:
    """One registered model with its latest version and who holds each stage."""

    name: str
    description: str
    tags: tuple[str, ...]
    created_at: str
    latest: int
    stages: Mapping[str, int] = field(default_factory=dict)  # stage -> version


@frozen
class StageChange:
    """One version moving between stages (``from_stage`` "" = it had none)."""

    model: str
    version: int
    from_stage: str
    to_stage: str
    who: str
    at: str


@frozen
class Deployment:
    """A model version served by a model deployer as a local process (``model deploy``).

    ``host`` is the machine that started it (a pid means something only there); the
    server listens on ``url``. Recorded in state when it answers, removed by undeploy.
    """

    deployer: str  # the model_deployer component's name
    model: str
    version: int
    url: str  # http://127.0.0.1:PORT
    port: int
    pid: int  # the leader of the server's process group
    host: str
    started_at: str
    command: tuple[str, ...]
    log: str  # the server's log, relative to the project root
    model_uri: str = ""  # what the server loads (an MLflow model folder)
