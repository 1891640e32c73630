"""The ``mlflow`` model deployer: MLflow's scoring server as a managed local process.

A version's model artifact (a scikit-learn estimator, loaded only after its digest was
checked) is saved as an MLflow model folder under
``.stackctl/deployments/<deployer>/<model>-v<version>/model`` and served with
``mlflow models serve -m FOLDER -h 127.0.0.1 -p PORT --env-manager local``: the
project's own interpreter, no conda or virtualenv made per model. The stack's model
registry (when there is one) points at the joblib artifact, which MLflow cannot serve,
so the folder is made here rather than from a ``models:/`` URI.

Each deployment also leaves a ``handle.json`` beside its log: the host-local process
handle (pid, port, command) that apply and drift read, since a provisioner sees files,
never the state store. mlflow is imported only to save the model folder.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.model_deployers import process
from stackctl.components.model_deployers.base import ModelDeployer, Served
from stackctl.errors import DeployError, one_line

#: Where deployments keep their model folder, log and handle, under the project root.
DEPLOYMENTS_DIR = ".stackctl/deployments"
HANDLE = "handle.json"


def folder(root: Path, deployer: str, model: str, version: int) -> Path:
    return root / DEPLOYMENTS_DIR / deployer / f"{model}-v{version}"


def server_env() -> dict[str, str]:
    """The environment of a server: ours, with this interpreter's scripts first on PATH
    (``mlflow models serve`` execs ``uvicorn`` by name)."""
    env = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([scripts, env.get("PATH", "")])
    for secret in [k for k in env if k.startswith("STACKCTL_SECRET_")]:
        del env[secret]  # the scoring server needs none of them
    return env


def start_server(served: Served, root: Path, timeout: float) -> int:
    """Start (or restart) the server ``served`` describes; its pid once it answers."""
    log = root / served.log
    pid = process.start(served.command, log, server_env(), root)
    try:
        problem = process.wait_ready(pid, f"{served.url}/ping", timeout)
    except BaseException:  # Ctrl-C while waiting: no record will point at it, so stop it
        process.terminate(pid)
        raise
    if problem:
        process.terminate(pid)
        raise DeployError(
            f"the MLflow scoring server for {served.model_uri} on {served.url} did not "
            f"start: {problem} ({telling_line(process.tail(log))})",
            hint=f"read its log: {served.log}",
        )
    return pid


def telling_line(log: str) -> str:
    """The log line that says why a server failed: uvicorn's ``ERROR:`` line (e.g. the
    port is taken) when there is one, else the last line."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    picked = (errors or lines or ["its log is empty"])[-1]
    return one_line(picked.removeprefix("ERROR:").strip())


class MlflowModelDeployer:
    """``host`` (loopback only), ``startup_timeout`` (seconds) and ``workers``."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.root = root
        self.host: str = config.get("host") or "127.0.0.1"
        self.startup_timeout = float(config.get("startup_timeout") or 120)
        self.workers = int(config.get("workers") or 1)

    def deploy(self, model: str, version: int, value: Any, port: int | None) -> Served:
        home = folder(self.root, self.name, model, version)
        model_dir = home / "model"
        _save(value, model_dir, f"{model}:{version}")
        port = port or process.free_port(self.host)
        url = f"http://{self.host}:{port}"
        command = (
            *(sys.executable, "-m", "mlflow", "models", "serve", "-m", str(model_dir)),
            *("-h", self.host, "-p", str(port), "--env-manager", "local"),
            *("--workers", str(self.workers)),
        )
        log = (home / "server.log").relative_to(self.root).as_posix()
        (home / "server.log").unlink(missing_ok=True)  # a fresh log per start
        served = Served(url, port, 0, command, log, str(model_dir))
        pid = start_server(served, self.root, self.startup_timeout)
        served = Served(url, port, pid, command, log, str(model_dir))
        write_handle(home, served, {"model": model, "version": version}, self.startup_timeout)
        return served


def write_handle(home: Path, served: Served, extra: Mapping[str, Any], timeout: float) -> None:
    """The host-local handle of a running server (atomically: drift may read it)."""
    record = {
        **asdict(served),
        **extra,
        "command": list(served.command),
        "startup_timeout": timeout,
    }
    tmp = home / f".{HANDLE}.tmp"
    tmp.write_text(json.dumps(record, indent=2))
    tmp.replace(home / HANDLE)


def _save(value: Any, model_dir: Path, label: str) -> None:
    """``value`` as an MLflow sklearn model folder (replacing an older one)."""
    try:
        import sklearn
        from sklearn.base import BaseEstimator
    except ImportError:
        raise DeployError(
            f"model {label} cannot be served: scikit-learn is not installed",
            hint="pip install 'stackctl[mlflow,examples]'",
        ) from None
    if not isinstance(value, BaseEstimator):
        raise DeployError(
            f"model {label} cannot be served by the mlflow deployer: its model artifact "
            f"is a {type(value).__module__}.{type(value).__qualname__}, not a scikit-learn "
            "estimator",
            hint="make the pipeline's last object output a fitted scikit-learn estimator",
        )
    import mlflow.sklearn

    if model_dir.exists():
        shutil.rmtree(model_dir)
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    quiet = logging.getLogger("mlflow")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # its warning about pickle: digest-checked before load
    try:
        mlflow.sklearn.save_model(
            value,
            str(model_dir),
            serialization_format="pickle",
            # given, not inferred: inference re-imports the model in a subprocess
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    finally:
        quiet.setLevel(level)


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    _deployer: type[ModelDeployer] = MlflowModelDeployer
