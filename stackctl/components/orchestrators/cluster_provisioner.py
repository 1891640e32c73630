"""What the ``dask`` and ``ray`` orchestrators' provisioners share: nothing to create.

Either flavor runs on a cluster started per run (``address: null``, nothing to check)
or on one at ``address``, which apply, ``stack status`` and ``stack import`` only check
answers. A flavor says what its cluster is called and how to reach it (``probe``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stackctl.components.provisioner import Observation, check_same
from stackctl.errors import ProvisionError


class AddressProvisioner:
    """Checks that a configured cluster answers; a per-run one needs nothing."""

    #: The cluster's name in messages ("dask scheduler").
    what = "cluster"
    #: What ``address: null`` starts, for the adopt error ("a LocalCluster").
    local = "a cluster"

    def probe(self, config: Mapping[str, Any]) -> None:
        """Raise ProvisionError unless the cluster at ``config["address"]`` answers."""
        raise NotImplementedError

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        address = config.get("address")
        if not address:
            return {"address": None}
        self.probe(config)
        return {"address": address}

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        address = config.get("address")
        if not address:
            return Observation(True, {"address": None})
        try:
            self.probe(config)
        except ProvisionError as exc:
            return Observation(False, detail=exc.message)
        return Observation(True, {"address": address})

    def adopt(self, config: Mapping[str, Any], id: str, root: Path) -> Mapping[str, Any]:
        """``id`` is the cluster address; it must be the declared one and answer."""
        address = config.get("address")
        if not address:
            raise ProvisionError(
                f"cannot import a {self.what}: this orchestrator declares `address: null` "
                f"({self.local} started per run, nothing to adopt)",
                hint=f"set `address: {id}` in the orchestrator config, then import again",
            )
        check_same(self.what, str(address), id, "config.address")
        self.probe(config)
        return {"address": address}

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        """A cluster is never ours to stop."""
