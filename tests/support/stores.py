"""State stores opened the way separate processes would open them."""

from __future__ import annotations

from stackctl.state.base import StateStore


def open_store(target: str) -> StateStore:
    """A store on ``target``: a ``postgresql://`` URL or a SQLite file path."""
    if target.startswith("postgresql://"):
        from stackctl.state.postgres import PostgresStateStore

        return PostgresStateStore(target)
    from stackctl.state.sqlite import SqliteStateStore

    return SqliteStateStore(target)
