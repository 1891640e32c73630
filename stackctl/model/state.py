"""What a state store holds for plan/apply: resources, snapshots, history and the lock,
and the actions a plan shows."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from stackctl.frozen import frozen
from stackctl.model.components import Lifecycle


class Action(enum.Enum):
    """A planned change; the value is the symbol the plan shows (as Terraform does)."""

    NOOP = " "
    CREATE = "+"
    UPDATE = "~"
    REPLACE = "-/+"
    DELETE = "-"
    READ = "<="
    FORGET = "."  # `removed:` with destroy false: state forgets it, reality keeps it

    @property
    def json_actions(self) -> list[str]:
        return {
            Action.NOOP: ["no-op"],
            Action.CREATE: ["create"],
            Action.UPDATE: ["update"],
            Action.REPLACE: ["delete", "create"],
            Action.DELETE: ["delete"],
            Action.READ: ["read"],
            Action.FORGET: ["forget"],
        }[self]


@frozen
class Resource:
    """One resource as recorded in state."""

    address: str
    type: str  # component type, "stack" or "pipeline"
    name: str
    flavor: str | None
    config: Mapping[str, Any]  # secrets replaced by digests
    outputs: Mapping[str, Any] = field(default_factory=dict)
    lifecycle: Lifecycle = Lifecycle()
    depends_on: tuple[str, ...] = ()


@frozen
class State:
    """A snapshot of a state store: lineage never changes, serial grows with each commit."""

    lineage: str
    serial: int
    resources: Mapping[str, Resource]  # keyed by address


@frozen
class HistoryEntry:
    """One committed apply (or state edit) in the state's history."""

    serial: int
    at: str  # ISO-8601 UTC
    who: str
    operation: str  # apply | destroy | state rm | state restore | import ...
    summary: str
    changes: tuple[Mapping[str, Any], ...] = ()


@frozen
class LockInfo:
    """Who holds the state's write lock."""

    id: str
    who: str  # user@host
    pid: int
    operation: str
    since: str  # ISO-8601 UTC
    context: str = ""  # e.g. $CI_JOB_URL
    host: str = ""  # where ``pid`` lives; a dead pid on our own host means a stale lock
    stale: bool = field(default=False, compare=False)  # the holder is known to be gone

    def describe(self) -> str:
        """`alice@ci-7 (pid 4242) running 'apply' since 2026-01-01T10:00:00Z`."""
        since = f"{self.since[:19]}Z" if len(self.since) > 20 else self.since  # no µs
        text = f"{self.who} (pid {self.pid}) running '{self.operation}' since {since}"
        if self.context:
            text += f" [{self.context}]"
        return text + (" (stale: holder is gone)" if self.stale else "")
