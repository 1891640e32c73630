"""Resource history as per-commit deltas plus occasional checkpoints (schema v3).

A commit records one ``resource_changes`` row per address it touched (the resource as
JSON, NULL when deleted), so its cost grows with what changed, not with the size of the
state. ``state_at(serial)`` starts from the newest full snapshot at or before ``serial``
(table ``snapshots``) and replays the deltas after it. A new checkpoint is written when
the deltas since the last one outnumber the resources: checkpoints then cost O(changes)
amortised, and replaying never reads more than about twice the state.

Plain SQL with ``?`` placeholders: SQLite and PostgreSQL run the same statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stackctl.model import Resource
from stackctl.state import codec
from stackctl.state.schema import Tx

_RECORD = """
    INSERT INTO resource_changes (serial, address, resource) VALUES (?, ?, ?)
    ON CONFLICT (serial, address) DO UPDATE SET resource = excluded.resource"""


def record(
    tx: Tx,
    serial: int,
    upserts: Sequence[Mapping[str, Any]],
    deletes: Iterable[str],
    after: Mapping[str, Resource],
) -> None:
    """Store what ``serial`` changed (resource rows as from ``codec.resource_to_row``;
    deletes first, like the commit itself), and a checkpoint of ``after`` when due."""
    for address in deletes:
        tx.run(_RECORD, serial, address, None)
    for row in upserts:
        tx.run(_RECORD, serial, row["address"], codec.dumps(row, "resource"))
    last = tx.one("SELECT COALESCE(MAX(serial), 0) AS last FROM snapshots")
    since = int(last["last"]) if last else 0
    pending = tx.one("SELECT COUNT(*) AS n FROM resource_changes WHERE serial > ?", since)
    if pending is not None and int(pending["n"]) > len(after):
        tx.run(
            "INSERT INTO snapshots (serial, resources) VALUES (?, ?)",
            serial,
            codec.resources_to_json(after),
        )


def exists(tx: Tx, serial: int) -> bool:
    """Whether ``serial`` was committed (a history entry or a snapshot names it)."""
    found = tx.one("SELECT serial FROM history WHERE serial = ?", serial) or tx.one(
        "SELECT serial FROM snapshots WHERE serial = ?", serial
    )
    return found is not None


def resources_at(tx: Tx, serial: int) -> dict[str, Resource]:
    """The resources right after ``serial``, sorted by address."""
    exact = tx.one("SELECT resources FROM snapshots WHERE serial = ?", serial)
    if exact is not None:  # every serial of a v1/v2 state: no delta table needed
        return codec.resources_from_json(exact["resources"])
    base = tx.one(
        "SELECT serial, resources FROM snapshots WHERE serial < ? ORDER BY serial DESC LIMIT 1",
        serial,
    )
    resources = codec.resources_from_json(base["resources"]) if base else {}
    rows = tx.all(
        "SELECT address, resource FROM resource_changes WHERE serial > ? AND serial <= ?"
        " ORDER BY serial",
        int(base["serial"]) if base else 0,
        serial,
    )
    apply_rows(resources, rows)
    return dict(sorted(resources.items()))


def apply_rows(resources: dict[str, Resource], rows: Iterable[Mapping[str, Any]]) -> None:
    """Replay ``resource_changes`` rows (in serial order) onto ``resources``."""
    for row in rows:
        if row["resource"] is None:
            resources.pop(row["address"], None)
        else:
            resources[row["address"]] = codec.resource_from_row(codec.loads(row["resource"]))


def all_states(tx: Tx) -> dict[int, dict[str, Resource]]:
    """Every committed serial's resources (``state migrate``: O(serials x resources))."""
    serials = sorted(
        {int(r["serial"]) for r in tx.all("SELECT serial FROM history")}
        | {int(r["serial"]) for r in tx.all("SELECT serial FROM snapshots")}
    )
    changes: dict[int, list[Mapping[str, Any]]] = {}
    for row in tx.all("SELECT serial, address, resource FROM resource_changes ORDER BY serial"):
        changes.setdefault(int(row["serial"]), []).append(row)
    out: dict[int, dict[str, Resource]] = {}
    current: dict[str, Resource] = {}
    for serial in serials:
        exact = tx.one("SELECT resources FROM snapshots WHERE serial = ?", serial)
        if exact is not None:
            current = codec.resources_from_json(exact["resources"])
        else:
            current = dict(current)
            apply_rows(current, changes.get(serial, ()))
        out[serial] = dict(sorted(current.items()))
    return out


def write_states(tx: Tx, states: Mapping[int, Mapping[str, Resource]]) -> None:
    """Store full per-serial states (an imported dump) as deltas and checkpoints."""
    before: Mapping[str, Resource] = {}
    for serial, after in sorted(states.items()):
        upserts = [codec.resource_to_row(r) for a, r in after.items() if before.get(a) != r]
        record(tx, serial, upserts, [a for a in before if a not in after], after)
        before = after
