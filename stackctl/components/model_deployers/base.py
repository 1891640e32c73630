"""The model deployer contract (the ``mlflow`` flavor implements it).

Constructed as ``Cls(name, config, root)``. A deployer turns a loaded model into a
running server; the runtime (runtime/deployments.py) records what it started in state
and stops it again, so a deployer keeps no bookkeeping of its own.
"""

from __future__ import annotations

from typing import Any, Protocol

from stackctl.frozen import frozen


@frozen
class Served:
    """A server a deployer started and saw answer."""

    url: str
    port: int
    pid: int  # leader of its own process group (stop it with process.terminate)
    command: tuple[str, ...]
    log: str  # relative to the project root
    model_uri: str


class ModelDeployer(Protocol):
    """Starts a model server for one model version."""

    name: str

    def deploy(self, model: str, version: int, value: Any, port: int | None) -> Served:
        """Serve ``value`` (the version's model artifact, loaded and digest-checked) as
        ``model`` version ``version``; ``port`` None picks a free one. Returns once the
        server answers, or raises DeployError with the tail of its log."""
        ...
