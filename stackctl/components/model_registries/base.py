"""The model registry contract (the ``mlflow`` flavor implements it).

Constructed as ``Cls(name, config, root)``. stackctl's state store is the source of
truth for model versions and stages; a registry receives a copy of each, so tools that
read a registry (MLflow's UI, deployers) see the same versions and stages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from stackctl.model import ModelDecl, ModelVersion, StageChange


class ModelRegistry(Protocol):
    """Mirrors model versions and stage changes into a registry service."""

    name: str

    def register_version(self, model: ModelDecl, version: ModelVersion, source: str) -> None:
        """Register ``model`` if new and add ``version`` pointing at ``source`` (the URI
        of its model artifact); doing it again for the same version changes nothing."""
        ...

    def set_stages(self, model: str, changes: Sequence[StageChange]) -> None:
        """Apply stage changes (in order) to the registry's copies of the versions."""
        ...
