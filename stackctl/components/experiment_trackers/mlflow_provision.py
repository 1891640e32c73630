"""Provisioner of the ``mlflow`` tracker: records where runs go, adopts existing stores.

A tracking store is not ours to make or remove: MLflow creates a file store on first
use and a server is someone else's. So create/update only record the (credential-free)
tracking URI as the output that ``stackctl output`` shows, observe never reports drift
(the tracker worked without refresh before and must not start failing plans), and
``adopt`` (``stackctl import``) checks the store really exists. Imports only the
standard library: apply must not pay for importing mlflow.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit
from urllib.request import url2pathname

from stackctl.components.experiment_trackers.mlflow import DEFAULT_DIR
from stackctl.components.provisioner import Observation, check_same
from stackctl.errors import ProvisionError

#: Seconds ``adopt`` waits for a tracking server's /health.
TIMEOUT_S = 5.0


def tracking_uri(config: Mapping[str, Any], root: Path) -> str:
    """The tracker's URI, as the tracker itself computes it (a file store by default)."""
    return str(config.get("tracking_uri") or (root / DEFAULT_DIR).resolve().as_uri())


def public(uri: str) -> str:
    """``uri`` without user:password (outputs are shown and stored: no secrets)."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _normalized(uri: str, root: Path) -> str:
    if "://" not in uri and not uri.startswith(("file:", "sqlite:")):
        return (root / uri).resolve().as_uri()  # a plain folder, as MLflow takes it
    return uri.rstrip("/")


def _exists(uri: str) -> str:
    """Empty when the store at ``uri`` exists, else what is wrong."""
    parts = urlsplit(uri)
    if parts.scheme == "file":
        path = Path(url2pathname(parts.path))
        return "" if path.is_dir() else f"folder {path} does not exist"
    if parts.scheme.startswith("sqlite"):
        # sqlite:///rel.db is relative, sqlite:////abs.db absolute (SQLAlchemy's rule)
        path = Path(parts.path[1:] if parts.path.startswith("/") else parts.path)
        return "" if path.is_file() else f"database file {path} does not exist"
    if parts.scheme in ("http", "https"):
        try:
            with urllib.request.urlopen(uri.rstrip("/") + "/health", timeout=TIMEOUT_S) as r:
                return "" if r.status == 200 else f"{public(uri)}/health answered {r.status}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return f"no MLflow server answers at {public(uri)} ({exc})"
    return ""  # databases and other stores: MLflow itself reports them at first use


class MlflowProvisioner:
    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        return {"tracking_uri": public(tracking_uri(config, root))}

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        return Observation(True, self.create(config, root))

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        """Tracked runs are user data: never removed."""

    def adopt(self, config: Mapping[str, Any], id: str, root: Path) -> Mapping[str, Any]:
        """``id`` is the tracking URI (or folder) of an existing store."""
        declared = _normalized(tracking_uri(config, root), root)
        check_same(
            "tracking store", public(declared), public(_normalized(id, root)), "config.tracking_uri"
        )
        problem = _exists(declared)
        if problem:
            raise ProvisionError(
                f"cannot import the MLflow tracking store {public(declared)}: {problem}",
                hint="import a store that exists (start the server, or fix tracking_uri)",
            )
        return self.create(config, root)


if TYPE_CHECKING:  # static proof that the class satisfies the contracts
    from stackctl.components.provisioner import Adopter, Provisioner

    _provisioner: type[Provisioner] = MlflowProvisioner
    _adopter: type[Adopter] = MlflowProvisioner
