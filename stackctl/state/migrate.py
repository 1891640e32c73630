"""`stackctl state migrate --to URL`: copy a whole state to another store."""

from __future__ import annotations

from stackctl.errors import StateError
from stackctl.state.base import StateDump, StateStore


def migrate_state(src: StateStore, dst: StateStore, *, lock_timeout: float = 0.0) -> StateDump:
    """Copy resources, history, snapshots and runs from ``src`` to ``dst``, keeping the
    lineage (so saved plans stay valid). Both stores are locked while copying.

    Refuses a ``dst`` that already holds another state; copying onto the same lineage
    again simply replaces it (a retried migration is safe).
    """
    with src.lock("state migrate", lock_timeout), dst.lock("state migrate", lock_timeout):
        target = dst.read()
        dump = src.export_dump()
        if target.lineage != dump.lineage and (target.serial > 0 or target.resources):
            raise StateError(
                f"the destination already holds another state (lineage {target.lineage}, "
                f"serial {target.serial}, {_resources(len(target.resources))}); "
                f"refusing to overwrite it with lineage {dump.lineage}",
                hint="migrate into an empty database or file",
            )
        dst.import_dump(dump)
    return dump


def _resources(count: int) -> str:
    return f"{count} resource{'' if count == 1 else 's'}"
