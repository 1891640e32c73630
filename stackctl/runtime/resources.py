"""``@step(resources=...)``: what a step needs where it runs, checked when declared.

The YAML ``resources:`` key is checked by the pipeline file schema; this is the same
rule for the SDK, so a typo fails at decoration time rather than as a task that a
scheduler can never place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackctl.errors import StackctlError

#: Names every scheduler maps (others pass through as custom resources).
KNOWN = ("cpu", "gpu", "memory")


def checked_resources(resources: Mapping[str, Any]) -> dict[str, float]:
    """``resources`` as ``{name: float}``; StackctlError naming the bad entry."""
    checked: dict[str, float] = {}
    for name, amount in resources.items():
        if not isinstance(name, str) or not name:
            raise StackctlError(
                f"resources: {name!r} is not a resource name",
                hint=f"use {', '.join(KNOWN)} or a custom name your cluster declares",
            )
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
            raise StackctlError(
                f"resources: {name} is {amount!r}, not a number >= 0",
                hint='write e.g. resources={"cpu": 2, "memory": 512} (memory in MB)',
            )
        checked[name] = float(amount)
    return checked
