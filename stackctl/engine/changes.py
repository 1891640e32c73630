"""The plan as data: what will change, why, and against which state (Terraform's plans).

A Plan is computed by ``engine.plan``, saved by ``engine.planfile``, executed by
``engine.apply`` and rendered by the CLI. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from stackctl.frozen import frozen
from stackctl.model import Action, Resource

#: Version of the plan JSON format (``--json`` and plan files); bump on breaking changes.
FORMAT_VERSION = "1.1"


@frozen
class AttributeChange:
    """One attribute that differs: ``path`` like ``config.path`` or ``config.a.b``."""

    path: str
    kind: str  # "add" | "remove" | "change"
    before: Any = None
    after: Any = None
    sensitive: bool = False  # holds a `${secret:...}`: shown as (sensitive)
    forces_replacement: bool = False


@frozen
class Change:
    """A planned change of one resource; ``before``/``after`` are None for create/delete."""

    address: str
    action: Action
    reason: str
    before: Resource | None = None
    after: Resource | None = None
    attributes: tuple[AttributeChange, ...] = ()
    #: Where state recorded it before a `moved:` block (Terraform's ``previous_address``);
    #: ``before`` is that record. A move alone is ``Action.NOOP`` with this set.
    previous_address: str | None = None

    @property
    def moved(self) -> bool:
        return self.previous_address is not None

    #: The import id when an ``import:`` block adopts this create (engine/imports.py).
    importing: str | None = None

    @property
    def type(self) -> str:
        return (self.after or self.before).type  # type: ignore[union-attr]

    @property
    def name(self) -> str:
        return (self.after or self.before).name  # type: ignore[union-attr]


@frozen
class Drift:
    """Reality differs from state: found by refresh (``detail`` in human words)."""

    address: str
    detail: str
    exists: bool = False


@frozen
class Interrupted:
    """A change a previous apply started and never finished (from the state journal)."""

    address: str
    action: str  # create | update | replace | delete
    since: str

    def describe(self) -> str:
        verb = {"create": "creating", "update": "updating", "replace": "replacing"}.get(
            self.action, "deleting"
        )
        return f"interrupted while {verb} {self.address} (since {self.since})"


@frozen
class PlanOptions:
    """What the user asked for on the command line."""

    destroy: bool = False
    targets: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()
    allow_destroy: tuple[str, ...] = ()
    refresh: bool = True


@frozen
class Plan:
    """Everything apply needs, and everything a reviewer reads."""

    #: Identity of the state the plan was computed against; apply refuses it otherwise.
    lineage: str
    serial: int
    #: Digest of the desired resources (config with secret digests); stale when it moves.
    config_digest: str
    #: Actionable changes in the order apply runs them: deletes first, reverse dependency
    #: order, then creates/updates/replaces in dependency order. No-ops are only counted.
    changes: tuple[Change, ...]
    unchanged: int = 0
    drift: tuple[Drift, ...] = ()
    interrupted: tuple[Interrupted, ...] = ()
    #: (dependency, dependent) edges of the desired resource graph.
    edges: tuple[tuple[str, str], ...] = ()
    options: PlanOptions = PlanOptions()
    project: str = ""
    format_version: str = FORMAT_VERSION
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when applying would do nothing at all (no change, nothing to finish)."""
        return not self.changes and not self.interrupted

    def counts(self) -> dict[str, int]:
        """``{"add": n, "change": n, "replace": n, "destroy": n, "import": n, "move": n,
        "forget": n}``; a moved resource that also changes counts in both, and a create
        that an ``import:`` block adopts counts as an import, not an add."""
        keys = {
            Action.CREATE: "add",
            Action.UPDATE: "change",
            Action.REPLACE: "replace",
            Action.DELETE: "destroy",
            Action.FORGET: "forget",
        }
        counts = {
            "add": 0,
            "change": 0,
            "replace": 0,
            "destroy": 0,
            "import": 0,
            "move": 0,
            "forget": 0,
        }
        for change in self.changes:
            if change.importing is not None:
                counts["import"] += 1
            elif change.action in keys:
                counts[keys[change.action]] += 1
            if change.moved:
                counts["move"] += 1
        return counts
