"""The throwaway world a test case runs in: a temp folder with its own SQLite state.

The state starts empty or as a copy of a snapshot (``stackctl show --json`` output, or a
SQLite state file); the project's own state is never opened. Apply runs with the temp
folder as its root, so a `local` artifact store's relative path is created there; a
path that would land outside it (absolute, or `..`) is refused before anything runs.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stackctl.errors import Location, StackctlError
from stackctl.files import FileRefused, read_capped
from stackctl.model import Lifecycle, Resource, State
from stackctl.state.base import StateDump, StateStore

_SNAPSHOT_HINT = "make one with `stackctl show --json > FILE`, or use `state: empty`"


class FixtureError(StackctlError):
    """A test case's state snapshot cannot be used (the case errors, the others run)."""


@dataclass
class Sandbox:
    """A temp folder (``root``) and a state store inside it."""

    root: Path
    store: StateStore

    def read(self) -> State:
        return self.store.read()


@contextmanager
def sandbox(snapshot: State | None) -> Iterator[Sandbox]:
    """A fresh sandbox seeded with ``snapshot``; removed (store closed) on exit."""
    from stackctl.state.sqlite import SqliteStateStore

    with tempfile.TemporaryDirectory(prefix="stackctl-test-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        store = SqliteStateStore(Path(tmp) / "state.db")
        try:
            if snapshot is not None:
                lineage = snapshot.lineage or str(uuid.uuid4())
                store.import_dump(StateDump(lineage, snapshot.serial, snapshot.resources))
            yield Sandbox(root, store)
        finally:
            store.close()


def load_snapshot(ref: str, folder: Path, project_root: Path, where: Location) -> State | None:
    """``ref`` (relative to the test file's folder) as a State; None for ``empty``."""
    if ref == "empty":
        return None
    path = (folder / ref).resolve()
    if not path.is_relative_to(project_root.resolve()):
        raise FixtureError(
            f"state snapshot {ref} is outside the project",
            hint="keep fixtures in the project",
            location=where,
        )
    if path.suffix == ".db":
        return _sqlite_snapshot(path, ref, where)
    try:
        data = json.loads(read_capped(path, ref))
    except FileRefused as exc:
        raise FixtureError(
            f"state snapshot {ref}: {exc.reason}", hint=_SNAPSHOT_HINT, location=where
        ) from None
    except (ValueError, RecursionError) as exc:
        raise FixtureError(
            f"state snapshot {ref} is not JSON ({exc})", hint=_SNAPSHOT_HINT, location=where
        ) from None
    try:
        return _state(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FixtureError(
            f"state snapshot {ref} is not a `stackctl show --json` document ({type(exc).__name__}: {exc})",
            hint=_SNAPSHOT_HINT,
            location=where,
        ) from None


def _sqlite_snapshot(path: Path, ref: str, where: Location) -> State:
    from stackctl.state.sqlite import SqliteStateStore

    if not path.is_file():
        raise FixtureError(
            f"state snapshot {ref}: no such file", hint=_SNAPSHOT_HINT, location=where
        )
    try:
        store = SqliteStateStore(path, read_only=True)
    except StackctlError as exc:
        raise FixtureError(
            f"state snapshot {ref}: {exc.message}", hint=_SNAPSHOT_HINT, location=where
        ) from None
    try:
        return store.read()
    finally:
        store.close()


def _state(data: Mapping[str, Any]) -> State:
    resources = {}
    for item in data["resources"]:
        address = str(item["address"])
        resources[address] = Resource(
            address=address,
            type=str(item["type"]),
            name=str(item["name"]),
            flavor=item.get("flavor"),
            config=dict(item.get("config") or {}),
            outputs=dict(item.get("outputs") or {}),
            lifecycle=Lifecycle(bool((item.get("lifecycle") or {}).get("prevent_destroy", False))),
            depends_on=tuple(item.get("depends_on") or ()),
        )
    return State(str(data.get("lineage") or ""), int(data.get("serial") or 0), resources)


def outside_paths(desired: Mapping[str, Resource], root: Path) -> list[str]:
    """Resources whose `config.path` would be created outside ``root`` by an apply."""
    found = []
    for address, r in sorted(desired.items()):
        path = r.config.get("path")
        if isinstance(path, str) and not (root / path).resolve().is_relative_to(root.resolve()):
            found.append(f"{address} (path {path})")
    return found
