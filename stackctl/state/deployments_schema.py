"""The deployments table (schema v7) and the store contract over it.

A module of its own so that schema.py (the migration), deployments_sql.py and
deployments_memory.py import it and not each other.
"""

from __future__ import annotations

from typing import Protocol

from stackctl.model import Deployment

#: The schema version that added the table (read-only opens of older files have none:
#: they read as "no deployments").
DEPLOYMENTS_SINCE = 7

DDL = (
    """CREATE TABLE deployments (
        deployer TEXT NOT NULL, model TEXT NOT NULL, version BIGINT NOT NULL,
        url TEXT NOT NULL, port BIGINT NOT NULL, pid BIGINT NOT NULL, host TEXT NOT NULL,
        started_at TEXT NOT NULL, command TEXT NOT NULL, log TEXT NOT NULL,
        model_uri TEXT NOT NULL, PRIMARY KEY (deployer, model, version))""",
)


class DeploymentStore(Protocol):
    """Model servers started by ``stackctl model deploy`` (one per deployer and version)."""

    def record_deployment(self, deployment: Deployment) -> None:
        """Add the deployment, replacing the record of the same deployer/model/version."""
        ...

    def deployments(self) -> list[Deployment]:
        """Every recorded deployment, by deployer, model and version."""
        ...

    def remove_deployment(self, deployer: str, model: str, version: int) -> bool:
        """Forget one deployment; False when there was no such record."""
        ...
