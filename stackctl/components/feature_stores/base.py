"""The feature store contract (the ``feast`` flavor implements it).

Constructed as ``Cls(name, config, root)`` without importing the feature store's
library (a stack's components are built for every run); instances must be picklable
because steps reach them through ``get_step_context().feature_store`` inside workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class FeatureStore(Protocol):
    """A feature repository: historical features for training, online ones for serving."""

    name: str
    repo_path: Path

    @property
    def store(self) -> Any:
        """The library's own store object (feast: ``feast.FeatureStore``), made on first use."""
        ...
