"""`stackctl state restore SERIAL`: make an old snapshot current again, as a new commit."""

from __future__ import annotations

from stackctl.model import State
from stackctl.state.base import StateStore


def restore_serial(store: StateStore, serial: int, *, who: str) -> State:
    """Commit the resources as they were at ``serial`` (history keeps what came after,
    so a restore can itself be undone). The caller must hold the lock."""
    old = store.state_at(serial)
    current = store.read()
    return store.commit(
        upserts=[r for a, r in old.resources.items() if current.resources.get(a) != r],
        deletes=[a for a in current.resources if a not in old.resources],
        operation="state restore",
        who=who,
        summary=f"restored serial {serial} (was serial {current.serial})",
    )
