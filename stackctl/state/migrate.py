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
        dump = src.export_dump()
        refuse_other_state(dst, dump.lineage)
        dst.import_dump(dump)
    return dump


def refuse_other_state(dst: StateStore, lineage: str) -> None:
    """Raise StateError when ``dst`` holds a state of another lineage that is not empty
    (resources, history or run records), which a migration would wipe out."""
    target = dst.read()
    if target.lineage == lineage:
        return
    has_runs = bool(dst.runs(limit=1))
    if target.serial > 0 or target.resources or has_runs:
        raise StateError(
            f"the destination already holds another state (lineage {target.lineage}, "
            f"serial {target.serial}, {_resources(len(target.resources))}"
            f"{', and run records' if has_runs else ''}); "
            f"refusing to overwrite it with lineage {lineage}",
            hint="migrate into an empty database or file",
        )


def _resources(count: int) -> str:
    return f"{count} resource{'' if count == 1 else 's'}"
