"""Deployments in SQL (SQLite and PostgreSQL): one short transaction per change, like
run records (never waits for the apply lock)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from stackctl.model import Deployment
from stackctl.state.deployments_schema import DEPLOYMENTS_SINCE
from stackctl.state.schema import Tx

_COLUMNS = "deployer, model, version, url, port, pid, host, started_at, command, log, model_uri"


class _NoTable(Exception):
    """A read-only state from before the deployments migration."""


def row(deployment: Deployment) -> tuple[Any, ...]:
    d = deployment
    return (
        *(d.deployer, d.model, d.version, d.url, d.port, d.pid, d.host, d.started_at),
        *(json.dumps(list(d.command)), d.log, d.model_uri),
    )


def from_row(r: Mapping[str, Any]) -> Deployment:
    return Deployment(
        deployer=r["deployer"],
        model=r["model"],
        version=int(r["version"]),
        url=r["url"],
        port=int(r["port"]),
        pid=int(r["pid"]),
        host=r["host"],
        started_at=r["started_at"],
        command=tuple(json.loads(r["command"])),
        log=r["log"],
        model_uri=r["model_uri"],
    )


class SqlDeploymentRecords:
    """Mixin for SqlStateStore: the DeploymentStore contract."""

    def _tx(self, write: bool = False, durable: bool = True) -> AbstractContextManager[Tx]:
        raise NotImplementedError

    @contextmanager
    def _deployments_tx(self, write: bool = False) -> Iterator[Tx]:
        with self._tx(write=write) as tx:
            found = tx.one("SELECT value FROM meta WHERE key = 'schema_version'")
            if found is None or int(found["value"]) < DEPLOYMENTS_SINCE:
                raise _NoTable
            yield tx

    def record_deployment(self, deployment: Deployment) -> None:
        with self._deployments_tx(write=True) as tx:
            tx.run(
                "DELETE FROM deployments WHERE deployer = ? AND model = ? AND version = ?",
                deployment.deployer,
                deployment.model,
                deployment.version,
            )
            tx.run(
                f"INSERT INTO deployments ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                *row(deployment),
            )

    def deployments(self) -> list[Deployment]:
        try:
            with self._deployments_tx() as tx:
                rows = tx.all(
                    f"SELECT {_COLUMNS} FROM deployments ORDER BY deployer, model, version"
                )
        except _NoTable:
            return []
        return [from_row(r) for r in rows]

    def remove_deployment(self, deployer: str, model: str, version: int) -> bool:
        with self._deployments_tx(write=True) as tx:
            changed = tx.run(
                "DELETE FROM deployments WHERE deployer = ? AND model = ? AND version = ?",
                deployer,
                model,
                version,
            )
        return changed > 0
