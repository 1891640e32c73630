"""PostgreSQL specifics: advisory lock and dead sessions, versions, connection errors."""

from __future__ import annotations

import time

import pytest

from stackctl.errors import StateError, StateLockedError
from stackctl.state.base import SCHEMA_VERSION
from stackctl.state.postgres import PostgresStateStore, redact_url

pytestmark = pytest.mark.postgres


def test_redact_url():
    assert redact_url("postgresql://ann:s3cr3t@db:5432/x") == "postgresql://ann:***@db:5432/x"
    assert redact_url("postgresql://ann@db/x") == "postgresql://ann@db/x"


def test_unreachable_server_is_a_state_error():
    with pytest.raises(StateError, match=r"cannot connect to state database .*:\*\*\*@") as caught:
        PostgresStateStore("postgresql://ann:pw@127.0.0.1:1/x", connect_timeout=2)
    assert "pw" not in caught.value.message
    assert "state.url" in caught.value.hint


def test_dead_session_makes_the_lock_stale(pg_url):
    crashed, survivor = PostgresStateStore(pg_url), PostgresStateStore(pg_url)
    held = crashed.lock("apply")
    old = held.__enter__()
    assert survivor.lock_info().stale is False
    with pytest.raises(StateLockedError):
        survivor.lock("apply").__enter__()
    crashed._drop_lock_conn()  # what a killed process's session does
    deadline = time.monotonic() + 30  # the server ends the session asynchronously
    while not (info := survivor.lock_info()).stale:
        assert time.monotonic() < deadline, info
        time.sleep(0.05)
    assert info.id == old.id
    with survivor.lock("apply") as mine:
        assert survivor.lock_info() == mine
        held.__exit__(None, None, None)  # the zombie's late release leaves ours alone
        assert survivor.lock_info() == mine
    crashed.close()
    survivor.close()


def test_newer_schema_is_refused(pg_url):
    import psycopg

    PostgresStateStore(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        newer = SCHEMA_VERSION + 1
        conn.execute(f"UPDATE meta SET value = '{newer}' WHERE key = 'schema_version'")
    with pytest.raises(StateError) as caught:
        PostgresStateStore(pg_url)
    assert caught.value.message.endswith(
        f"was written by a newer stackctl (schema {newer} > {SCHEMA_VERSION}); upgrade stackctl"
    )


def test_foreign_database_is_refused(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id int)")
    with pytest.raises(StateError, match="not a stackctl state"):
        PostgresStateStore(pg_url)


def test_states_in_separate_schemas_are_separate_and_lock_separately(pg_url):
    """Environments of a PostgreSQL project: one schema each in the same database."""
    import pickle

    from stackctl.model import Resource

    staging, prod = (
        PostgresStateStore(pg_url, "env_staging"),
        PostgresStateStore(pg_url, "env_prod"),
    )
    other_staging = PostgresStateStore(pg_url, "env_staging")
    try:
        assert staging.read().lineage != prod.read().lineage
        with staging.lock("apply"):
            with prod.lock("apply"):  # not blocked by staging's lock
                pass
            with pytest.raises(StateLockedError):  # the same schema is
                other_staging.lock("apply").__enter__()
        from stackctl.state.base import StateDump

        dev = Resource("stack.dev", "stack", "dev", None, {})
        staging.import_dump(StateDump(staging.read().lineage, 1, {dev.address: dev}))
        assert list(other_staging.read().resources) == ["stack.dev"]
        assert prod.read().resources == {}
        assert "(schema env_staging)" in staging._where
        copy = pickle.loads(pickle.dumps(staging))
        assert copy.schema == "env_staging" and copy.read().lineage == staging.read().lineage
        copy.close()
    finally:
        for store in (staging, prod, other_staging):
            store.close()
