"""The provisioner contract: how apply and refresh touch the real world for a flavor.

A flavor without a provisioner has nothing to create (the local orchestrators); apply
then only records it in state. Provisioners receive the component's config with secrets
already resolved (never store or log them) and the project root for relative paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any, Protocol

from stackctl.errors import ProvisionError
from stackctl.frozen import frozen


@frozen
class Observation:
    """What refresh saw. ``exists=False`` means the resource is gone (drift)."""

    exists: bool
    outputs: Mapping[str, Any] = field(default_factory=dict)
    detail: str = ""  # human words for the drift, e.g. "directory .stackctl/artifacts is missing"


class Provisioner(Protocol):
    """Creates, updates, observes and deletes the real thing behind a component."""

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        """Make the resource exist; return outputs to record in state (no secrets)."""
        ...

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        """Change the resource in place; return its new outputs."""
        ...

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        """Look at reality without changing it (refresh / drift)."""
        ...

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        """Remove what create made, when it is safe to (never user data by default)."""
        ...


class Adopter(Protocol):
    """A provisioner that can adopt what already exists (``stackctl import``, ``import:``).

    Optional, so third-party provisioners written before imports keep working: a
    provisioner without ``adopt`` makes import refuse that flavor with a hint.
    """

    def adopt(self, config: Mapping[str, Any], id: str, root: Path) -> Mapping[str, Any]:
        """Check that ``id`` names a thing that exists and is what ``config`` declares;
        return its outputs (no secrets). Raise ProvisionError saying what is missing or
        which value differs otherwise. Never changes reality."""
        ...


def check_same(what: str, declared: str, given: str, key: str) -> None:
    """ProvisionError unless the import id ``given`` names the ``declared`` thing."""
    if declared != given:
        raise ProvisionError(
            f"import id {given!r} is not the {what} the config declares ({key} = {declared!r})",
            hint=f"import with the declared id ({declared!r}), or change {key} in the config "
            "to what you mean to adopt",
        )
