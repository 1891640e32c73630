"""Golden files for every message a state store shows a user (tests/data/state/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.golden import check_golden

from stackctl.errors import StackctlError
from stackctl.model import LockInfo, Resource, Run, RunStatus
from stackctl.state import locking, lookups
from stackctl.state.base import StateDump
from stackctl.state.memory import MemoryStateStore
from stackctl.state.migrate import migrate_state
from stackctl.state.sqlite import SqliteStateStore

DATA = Path(__file__).parents[2] / "data" / "state"

HOLDER = LockInfo(
    id="6f1c7d8e-0000-4000-8000-000000000001",
    who="ann@ci-runner-7",
    pid=4242,
    operation="apply",
    since="2026-03-01T10:00:00.000000Z",
    context="https://gitlab.example/infra/-/jobs/42",
    host="ci-runner-7",
)


def check(name: str, text: str) -> None:
    golden = DATA / f"{name}.txt"
    check_golden(golden, text + "\n")


def state_with(lineage: str) -> MemoryStateStore:
    store = MemoryStateStore()
    store.import_dump(
        StateDump(lineage, 3, {"stack.dev": Resource("stack.dev", "stack", "dev", None, {})})
    )
    return store


def newer_schema() -> None:
    import sqlite3

    SqliteStateStore("state.db").close()
    with sqlite3.connect("state.db") as conn:
        conn.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    conn.close()
    SqliteStateStore("state.db")


def corrupt() -> None:
    Path("state.db").write_text("not a database")
    SqliteStateStore("state.db")


def ambiguous_run() -> None:
    store = MemoryStateStore()
    for run_id in ("3f9a1c", "3f9b22"):
        store.record_run(Run(run_id, "training", "dev", RunStatus.COMPLETED, "2026"))
    store.run("3f9")


def raiser(error: StackctlError):
    def go() -> None:
        raise error

    return go


CASES = {
    "locked": raiser(locking.locked_error(HOLDER, 0)),
    "locked_after_wait": raiser(locking.locked_error(HOLDER, 30)),
    "newer_schema": newer_schema,
    "corrupt": corrupt,
    "ambiguous_run": ambiguous_run,
    "unknown_run": lambda: MemoryStateStore().run("nope"),
    "unknown_serial": lambda: state_with("a").state_at(7),
    "unknown_lock_id": raiser(lookups.no_lock("abc", HOLDER)),
    "migrate_refused": lambda: migrate_state(state_with("lineage-a"), state_with("lineage-b")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_message(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StackctlError) as caught:
        CASES[name]()
    check(name, caught.value.render())
