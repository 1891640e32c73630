"""Deployments for the in-memory state store (tests): the same contract as SQL."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from stackctl.model import Deployment


@dataclass
class DeploymentData:
    """Shared by every handle on one memory state."""

    rows: dict[tuple[str, str, int], Deployment] = field(default_factory=dict)
    mutex: threading.Lock = field(default_factory=threading.Lock)


class MemoryDeploymentRecords:
    """Mixin for MemoryStateStore."""

    def _deployments_data(self) -> DeploymentData:
        raise NotImplementedError

    def record_deployment(self, deployment: Deployment) -> None:
        data = self._deployments_data()
        with data.mutex:
            data.rows[(deployment.deployer, deployment.model, deployment.version)] = deployment

    def deployments(self) -> list[Deployment]:
        data = self._deployments_data()
        with data.mutex:
            return [data.rows[k] for k in sorted(data.rows)]

    def remove_deployment(self, deployer: str, model: str, version: int) -> bool:
        data = self._deployments_data()
        with data.mutex:
            return data.rows.pop((deployer, model, version), None) is not None
