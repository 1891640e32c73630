"""The provisioner contract: how apply and refresh touch the real world for a flavor.

A flavor without a provisioner has nothing to create (the local orchestrators); apply
then only records it in state. Provisioners receive the component's config with secrets
already resolved (never store or log them) and the project root for relative paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
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
