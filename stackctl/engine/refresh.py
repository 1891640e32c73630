"""Refresh: ask each resource's provisioner what really exists (read-only).

Used by plan (to propose fixes for drift) and by ``stackctl drift``. Never writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stackctl.config.secrets import Secrets, reveal
from stackctl.engine.flavors import provisioner
from stackctl.errors import ProvisionError, StackctlError
from stackctl.model import State

if TYPE_CHECKING:  # imported when a drift is found: a run refreshes its stack first
    from stackctl.engine.changes import Drift


def refresh(state: State, root: Path, secrets: Secrets) -> list[Drift]:
    """One Drift per recorded resource whose real counterpart is gone."""
    found: list[Drift] = []
    for address, resource in state.resources.items():
        prov = provisioner(resource.type, resource.flavor)
        if prov is None:
            continue
        try:
            config = reveal(resource.config, secrets, address)
        except StackctlError:
            continue  # a secret missing here cannot be observed; apply will say so
        try:
            seen = prov.observe(config, root)
        except StackctlError:
            raise
        except Exception as exc:
            raise ProvisionError(
                f"refresh of {address} failed: {type(exc).__name__}: {exc}",
                hint="check that it is reachable, or plan without it: --no-refresh",
            ) from None
        if not seen.exists:
            from stackctl.engine.changes import Drift

            found.append(Drift(address, seen.detail or "it no longer exists", exists=False))
    return found
