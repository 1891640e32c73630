"""The ``feast`` feature store: a Feast repository folder in the project.

The repository is what ``feast init`` makes: a ``feature_store.yaml`` (offline store
``file``, online store ``sqlite``, a local registry file) and Python files defining
entities, sources and feature views. Apply registers those definitions (``feast
apply``); a step asks ``get_step_context().feature_store`` for features. That object
is this class: every attribute of ``feast.FeatureStore`` is reachable on it
(``get_historical_features``, ``materialize``, ``get_online_features``...), and
``.store`` is the ``feast.FeatureStore`` itself. feast is imported on the first such
use, so a step that never touches features (or a stack without a feature store) never
pays for importing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.feature_stores.base import FeatureStore
from stackctl.errors import StackctlError

if TYPE_CHECKING:
    import feast


def repo_dir(config: Mapping[str, Any], root: Path) -> Path:
    """The repository folder: ``repo_path`` relative to the project root, inside it."""
    relative = str(config.get("repo_path") or "")
    path = (root / relative).resolve()
    if not relative or not path.is_relative_to(root.resolve()):
        raise StackctlError(
            f"feature store repo_path {relative!r} is not a folder inside the project",
            hint="set config.repo_path to the project-relative folder holding "
            "feature_store.yaml (e.g. features/)",
        )
    return path


class FeastFeatureStore:
    """``repo_path``: the project-relative folder holding feature_store.yaml."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.repo_path = repo_dir(config, root)
        self._store: feast.FeatureStore | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_store": None}  # each process opens its own

    @property
    def store(self) -> feast.FeatureStore:
        if self._store is None:
            if not (self.repo_path / "feature_store.yaml").is_file():
                raise StackctlError(
                    f"feature store {self.name!r}: {self.repo_path} has no feature_store.yaml",
                    hint="create the repository (`feast init`), then `stackctl apply`",
                )
            from feast import FeatureStore as Store

            self._store = Store(repo_path=str(self.repo_path))
        return self._store

    def __getattr__(self, attr: str) -> Any:
        # only called for what the class lacks: feast's API, through the lazy store
        if attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(self.store, attr)


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    _store: type[FeatureStore] = FeastFeatureStore
