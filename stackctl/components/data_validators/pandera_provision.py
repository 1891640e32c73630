"""Provisioner of the ``pandera`` validator: apply checks every declared schema loads.

There is nothing to create: the schemas are project files. Apply proves each one is a
readable pandera schema (so a broken schema fails the apply in CI, not a run hours
later) and records their digests; refresh reports a declared schema file that is gone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.data_validators import schema_files
from stackctl.components.provisioner import Observation
from stackctl.errors import ProvisionError, StackctlError


class PanderaProvisioner:
    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        from stackctl.components.data_validators.pandera import load_schema

        digests: dict[str, str] = {}
        for name in sorted(schema_files.declared(config)):
            try:
                load_schema(name, config, root)
                path = schema_files.resolve(name, config, root)
            except StackctlError as exc:
                raise ProvisionError(exc.message, hint=exc.hint) from None
            digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        return {"schemas": digests}

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        for name, relative in sorted(schema_files.declared(config).items()):
            if not (root / relative).is_file():
                return Observation(False, detail=f"schema file {relative} ({name}) is missing")
        return Observation(True)

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        """Schema files are the project's own: never removed."""


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    from stackctl.components.provisioner import Provisioner

    _provisioner: type[Provisioner] = PanderaProvisioner
