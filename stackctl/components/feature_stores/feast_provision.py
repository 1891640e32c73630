"""Provisioner of the ``feast`` feature store: apply = ``feast apply`` of the repository.

``feast apply`` is run as ``python -c 'feast cli' --chdir REPO apply`` in a child
process rather than through feast's Python helpers: those change the working
directory, import the repository's modules into the process and print the diff; a
child keeps all of that out of stackctl (whose engine never prints) and re-imports
edited definitions on every apply. Refresh reads only feature_store.yaml (no feast
import): the registry file gone means the repository must be applied again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.feature_stores.feast import repo_dir
from stackctl.components.provisioner import Observation
from stackctl.config.yaml import read_document, to_plain
from stackctl.errors import ProvisionError, StackctlError

#: Seconds one ``feast apply`` may take (it imports feast and the definitions).
TIMEOUT_S = 600.0
_FEAST = "from feast.cli.cli import cli; cli()"


def registry_file(repo: Path, root: Path) -> Path | None:
    """The local registry file feature_store.yaml names (None: a remote registry)."""
    display = str((repo / "feature_store.yaml").relative_to(root.resolve()))
    data = to_plain(read_document(repo / "feature_store.yaml", display).data)
    registry = data.get("registry") if isinstance(data, dict) else None
    if isinstance(registry, dict):
        if registry.get("registry_type", "file") != "file":
            return None
        registry = registry.get("path")
    if not isinstance(registry, str) or "://" in registry:
        return None
    return (repo / registry).resolve()


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.resolve()))
    except ValueError:
        return str(path)


class FeastProvisioner:
    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        repo = _repo(config, root)
        if not (repo / "feature_store.yaml").is_file():
            raise ProvisionError(
                f"feature repository {_rel(repo, root)} has no feature_store.yaml",
                hint=f"create it (`feast init`, or see docs/feature-stores.md) in {_rel(repo, root)}",
            )
        env = {**os.environ, "FEAST_USAGE": os.environ.get("FEAST_USAGE", "False")}
        argv = [sys.executable, "-c", _FEAST, "--chdir", str(repo), "apply"]
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=TIMEOUT_S, env=env, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ProvisionError(
                f"feast apply of {_rel(repo, root)} did not finish: {exc}",
                hint="run `feast apply` in the repository to see why",
            ) from None
        if done.returncode != 0:
            said = [ln.strip() for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
            raise ProvisionError(
                f"feast apply of {_rel(repo, root)} failed: {said[-1] if said else 'no output'}",
                hint=f"fix the feature definitions; `feast -c {_rel(repo, root)} apply` shows "
                "the full error",
            )
        registry = _registry(repo, root)
        return {
            "repo_path": _rel(repo, root),
            "registry": _rel(registry, root) if registry else "(remote)",
        }

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        repo = _repo(config, root)
        if not (repo / "feature_store.yaml").is_file():
            return Observation(False, detail=f"{_rel(repo, root)}/feature_store.yaml is missing")
        registry = _registry(repo, root)
        if registry is not None and not registry.is_file():
            return Observation(False, detail=f"feast registry {_rel(registry, root)} is missing")
        return Observation(True)

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        """The repository, its registry and materialised features are user data: kept."""


def _repo(config: Mapping[str, Any], root: Path) -> Path:
    try:
        return repo_dir(config, root)
    except StackctlError as exc:
        raise ProvisionError(exc.message, hint=exc.hint) from None


def _registry(repo: Path, root: Path) -> Path | None:
    try:
        return registry_file(repo, root)
    except StackctlError as exc:
        raise ProvisionError(exc.message, hint=exc.hint) from None


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    from stackctl.components.provisioner import Provisioner

    _provisioner: type[Provisioner] = FeastProvisioner
