"""Deployments: a model version served by a model deployer, recorded in state.

``deploy`` loads the version's model artifact (digest checked before it is
deserialised), has the deployer start a server, and records it (pid, port, host,
command, model version) once the server answers. ``status`` says whether a record's
server is ``running`` (pid alive and /ping answering), ``dead``, or on ``another host``
(a pid means something only on the machine that started it). ``undeploy`` stops the
server's process group and forgets the record.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.components.model_deployers import process
from stackctl.components.model_deployers.base import ModelDeployer
from stackctl.components.model_deployers.mlflow import HANDLE
from stackctl.frozen import frozen
from stackctl.model import Deployment, ModelVersion
from stackctl.runtime.models import load_version
from stackctl.state.base import StateStore

RUNNING, DEAD, ELSEWHERE = "running", "dead", "another host"


@frozen
class Live:
    """A deployment with what is true of its server right now."""

    deployment: Deployment
    status: str  # RUNNING | DEAD | ELSEWHERE
    pid: int  # the current pid (apply may have restarted it since the record)


def deploy(
    state: StateStore,
    artifact_store: ArtifactStore,
    deployer: ModelDeployer,
    version: ModelVersion,
    port: int | None,
    at: str,
    root: Path,
) -> Deployment:
    """Serve ``version`` and record it; an older server of the same version is
    stopped first (a redeploy replaces it)."""
    for old in state.deployments():
        if (old.deployer, old.model, old.version) == (
            deployer.name,
            version.model,
            version.version,
        ):
            stop(old, root)
    loaded = load_version(state, artifact_store, version)
    served = deployer.deploy(version.model, version.version, loaded.model, port)
    deployment = Deployment(
        deployer=deployer.name,
        model=version.model,
        version=version.version,
        url=served.url,
        port=served.port,
        pid=served.pid,
        host=socket.gethostname(),
        started_at=at,
        command=served.command,
        log=served.log,
        model_uri=served.model_uri,
    )
    try:
        state.record_deployment(deployment)
    except BaseException:
        process.terminate(served.pid)  # no record, no server: nothing left behind
        raise
    return deployment


def current_pid(deployment: Deployment, root: Path) -> int:
    """The server's pid now: from its handle when apply restarted it, else the record's."""
    handle = root / Path(deployment.log).parent / HANDLE
    try:
        found = json.loads(handle.read_text()).get("pid")
    except (OSError, ValueError, AttributeError):
        return deployment.pid
    return int(found) if isinstance(found, int) and found > 0 else deployment.pid


def status(deployment: Deployment, root: Path) -> Live:
    if deployment.host != socket.gethostname():
        return Live(deployment, ELSEWHERE, deployment.pid)
    pid = current_pid(deployment, root)
    up = process.alive(pid) and process.answers(f"{deployment.url}/ping")
    return Live(deployment, RUNNING if up else DEAD, pid)


def stop(deployment: Deployment, root: Path | None = None) -> None:
    """Stop the server's process group (SIGTERM, then SIGKILL), on this host only."""
    if deployment.host != socket.gethostname():
        return
    pid = current_pid(deployment, root) if root is not None else deployment.pid
    if pid > 0 and (process.alive(pid) or process.group_pids(pid)):
        process.terminate(pid)


def undeploy(state: StateStore, root: Path, deployments: list[Deployment]) -> list[Deployment]:
    """Stop each server and remove its record; the ones removed."""
    done: list[Deployment] = []
    for deployment in deployments:
        stop(deployment, root)
        handle = root / Path(deployment.log).parent / HANDLE
        handle.unlink(missing_ok=True)  # drift must not see a server we meant to stop
        if state.remove_deployment(deployment.deployer, deployment.model, deployment.version):
            done.append(deployment)
    return done


def as_row(live: Live) -> dict[str, Any]:
    """JSON-stable shape of ``model deployments --json`` (add keys, never rename)."""
    d = live.deployment
    return {
        "deployer": d.deployer,
        "model": d.model,
        "version": d.version,
        "status": live.status,
        "url": d.url,
        "port": d.port,
        "pid": live.pid,
        "host": d.host,
        "started_at": d.started_at,
        "command": list(d.command),
        "log": d.log,
        "model_uri": d.model_uri,
    }
