"""Provisioner of the ``mlflow`` model deployer: the folder, the serving dependencies,
and the servers that should be running.

create/update make ``.stackctl/deployments/<name>/``, check that this interpreter can
run MLflow's scoring server, and restart any recorded server that died (same model
folder, same port): a dead server is drift, and apply is how drift is fixed. observe
reports each dead server; delete stops every server of the deployer. Standard library
only (apply and drift must not import mlflow): servers are found through the handle
each deployment leaves beside its log.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.model_deployers import process
from stackctl.components.model_deployers.base import Served
from stackctl.components.model_deployers.mlflow import (
    DEPLOYMENTS_DIR,
    HANDLE,
    start_server,
    write_handle,
)
from stackctl.components.provisioner import Observation
from stackctl.errors import DeployError, ProvisionError

#: What ``mlflow models serve --env-manager local`` runs in this interpreter.
SERVING_MODULES = ("mlflow", "uvicorn", "fastapi", "sklearn")


def handles(root: Path, deployer: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(folder, handle) of every deployment of ``deployer`` on this machine."""
    base = root / DEPLOYMENTS_DIR / deployer
    if not base.is_dir():
        return
    for path in sorted(base.glob(f"*/{HANDLE}")):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue  # half-written or damaged: not a server we can speak for
        if isinstance(record, dict):
            yield path.parent, record


def running(record: Mapping[str, Any]) -> bool:
    """The server's process is alive and its /ping answers."""
    pid = int(record.get("pid") or 0)
    return pid > 0 and process.alive(pid) and process.answers(f"{record.get('url')}/ping")


def _label(record: Mapping[str, Any]) -> str:
    return f"{record.get('model')}:{record.get('version')} on {record.get('url')}"


def _served(record: Mapping[str, Any]) -> Served:
    return Served(
        str(record["url"]),
        int(record["port"]),
        int(record["pid"]),
        tuple(record["command"]),
        str(record["log"]),
        str(record["model_uri"]),
    )


class MlflowDeployerProvisioner:
    """A provisioner is not told its component's name, so it looks after every server
    under .stackctl/deployments/ (a project rarely has more than one deployer)."""

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        missing = [m for m in SERVING_MODULES if importlib.util.find_spec(m) is None]
        if missing:
            raise ProvisionError(
                f"the mlflow model deployer cannot serve models here: {', '.join(missing)} "
                "not installed",
                hint="pip install 'stackctl[mlflow,examples]'",
            )
        base = root / DEPLOYMENTS_DIR
        base.mkdir(parents=True, exist_ok=True)
        for deployer in sorted(p.name for p in base.iterdir() if p.is_dir()):
            for home, record in handles(root, deployer):
                if running(record):
                    continue
                try:
                    pid = start_server(_served(record), root, float(record["startup_timeout"]))
                except (KeyError, TypeError, ValueError):
                    continue
                except DeployError as exc:
                    raise ProvisionError(str(exc), hint=exc.hint) from None
                served = _served({**record, "pid": pid})
                extra = {"model": record.get("model"), "version": record.get("version")}
                write_handle(home, served, extra, float(record["startup_timeout"]))
        return {"deployments_dir": DEPLOYMENTS_DIR}

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        base = root / DEPLOYMENTS_DIR
        dead = [
            _label(record)
            for deployer in (sorted(p.name for p in base.iterdir()) if base.is_dir() else [])
            for _, record in handles(root, deployer)
            if not running(record)
        ]
        if dead:
            return Observation(
                False,
                detail=f"model server {', '.join(dead)} is not running "
                "(apply restarts it; `stackctl model undeploy` removes it)",
            )
        return Observation(True, {"deployments_dir": DEPLOYMENTS_DIR})

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        """Stop every server (a destroyed deployer must not leave processes behind);
        their records stay, shown as dead, until `stackctl model undeploy`."""
        base = root / DEPLOYMENTS_DIR
        for deployer in sorted(p.name for p in base.iterdir()) if base.is_dir() else []:
            for home, record in handles(root, deployer):
                pid = int(record.get("pid") or 0)
                if pid > 0:
                    process.terminate(pid)
                shutil.rmtree(home, ignore_errors=True)


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    from stackctl.components.provisioner import Provisioner

    _provisioner: type[Provisioner] = MlflowDeployerProvisioner
