"""State stores: where plan/apply and runs keep what they know.

Use ``open_state_store`` (the project does); the backends are imported lazily so that
opening SQLite never imports psycopg.
"""

from __future__ import annotations

from pathlib import Path

from stackctl.errors import StateError
from stackctl.model import StateConfig
from stackctl.state.base import SCHEMA_VERSION, StateDump, StateStore

BACKENDS = ("sqlite", "postgres", "memory")


def open_state_store(config: StateConfig, root: Path, *, read_only: bool = False) -> StateStore:
    """Open (creating when new) the store ``config`` names; relative paths are from ``root``.

    ``read_only``: for commands that only look. SQLite then never creates, migrates or
    writes the file (a missing one reads as empty) and refuses writes; PostgreSQL reads
    are plain transactions (an empty database still gets its schema on first open).
    """
    if config.backend == "sqlite":
        from stackctl.state.sqlite import SqliteStateStore

        path = Path(config.path)
        return SqliteStateStore(path if path.is_absolute() else root / path, read_only=read_only)
    if config.backend == "postgres":
        if not config.url:
            raise StateError(
                "state backend 'postgres' needs a url",
                hint="set state.url in stackctl.yaml, e.g. ${oc.env:STACKCTL_PG_URL}",
            )
        from stackctl.state.postgres import PostgresStateStore

        return PostgresStateStore(config.url, config.schema)
    if config.backend == "memory":
        from stackctl.state.memory import MemoryStateStore

        return MemoryStateStore()
    raise StateError(
        f"unknown state backend {config.backend!r}",
        hint=f"state.backend in stackctl.yaml must be one of: {', '.join(BACKENDS)}",
    )


__all__ = ["BACKENDS", "SCHEMA_VERSION", "StateDump", "StateStore", "open_state_store"]
