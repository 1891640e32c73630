"""The SQL schema shared by SQLite and PostgreSQL, and how older versions move forward.

One DDL serves both databases: only portable types (TEXT, BIGINT, DOUBLE PRECISION) and
``INSERT ... ON CONFLICT`` are used. ``MIGRATIONS[n]`` turns schema n-1 into n; a store
runs every step above the version recorded in ``meta.schema_version``, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from stackctl.errors import StateError
from stackctl.state.artifacts_schema import V4
from stackctl.state.base import SCHEMA_VERSION
from stackctl.state.deployments_schema import DDL as DEPLOYMENTS_DDL
from stackctl.state.models_schema import DDL as MODELS_DDL


class Tx(Protocol):
    """One open transaction; rows come back as mappings of column name to value."""

    def one(self, sql: str, *params: Any) -> Mapping[str, Any] | None: ...

    def all(self, sql: str, *params: Any) -> list[Mapping[str, Any]]: ...

    def run(self, sql: str, *params: Any) -> int:
        """Execute ``sql`` (``?`` placeholders); the number of rows changed."""
        ...

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Execute ``sql`` once per row of parameters: one statement prepared, bound
        per row (a run's records are hundreds of rows of a few shapes)."""
        ...


_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE resources (
        address TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, flavor TEXT,
        config TEXT NOT NULL, outputs TEXT NOT NULL, lifecycle TEXT NOT NULL,
        depends_on TEXT NOT NULL)""",
    """CREATE TABLE history (
        serial BIGINT PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL,
        operation TEXT NOT NULL, summary TEXT NOT NULL, changes TEXT NOT NULL)""",
    "CREATE TABLE snapshots (serial BIGINT PRIMARY KEY, resources TEXT NOT NULL)",
    # slot is always 1: at most one row, so taking the lock is one INSERT that can fail.
    """CREATE TABLE lock (
        slot BIGINT PRIMARY KEY CHECK (slot = 1), id TEXT NOT NULL, who TEXT NOT NULL,
        host TEXT NOT NULL, pid BIGINT NOT NULL, operation TEXT NOT NULL,
        since TEXT NOT NULL, context TEXT NOT NULL, backend_pid BIGINT)""",
    """CREATE TABLE journal (
        address TEXT PRIMARY KEY, action TEXT NOT NULL, payload TEXT NOT NULL,
        since TEXT NOT NULL)""",
    """CREATE TABLE runs (
        id TEXT PRIMARY KEY, seq BIGINT NOT NULL, pipeline TEXT NOT NULL, stack TEXT NOT NULL,
        status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
        stack_snapshot TEXT NOT NULL, pipeline_version TEXT NOT NULL, params TEXT NOT NULL,
        extra TEXT NOT NULL)""",
    "CREATE INDEX runs_newest ON runs (started_at, seq)",
    "CREATE INDEX runs_stack ON runs (stack, started_at)",
    "CREATE INDEX runs_pipeline ON runs (pipeline, started_at)",
    """CREATE TABLE step_runs (
        run_id TEXT NOT NULL, step TEXT NOT NULL, seq BIGINT NOT NULL, status TEXT NOT NULL,
        started_at TEXT, finished_at TEXT, duration_s DOUBLE PRECISION,
        attempts BIGINT NOT NULL, cache_key TEXT NOT NULL, cache_parts TEXT NOT NULL,
        cached_from TEXT NOT NULL, error TEXT NOT NULL, log_uri TEXT NOT NULL,
        PRIMARY KEY (run_id, step))""",
    "CREATE INDEX step_runs_cache ON step_runs (cache_key, status, finished_at)",
    """CREATE TABLE artifacts (
        run_id TEXT NOT NULL, step TEXT NOT NULL, name TEXT NOT NULL, seq BIGINT NOT NULL,
        uri TEXT NOT NULL, digest TEXT NOT NULL, size BIGINT NOT NULL,
        materializer TEXT NOT NULL, type TEXT NOT NULL, producer_run_id TEXT NOT NULL,
        PRIMARY KEY (run_id, step, name))""",
)


def _to_v1(tx: Tx, lineage: str) -> None:
    for statement in _V1:
        tx.run(statement)
    tx.run("INSERT INTO meta (key, value) VALUES ('lineage', ?), ('serial', '0')", lineage)
    tx.run("INSERT INTO meta (key, value) VALUES ('schema_version', '0')")


def _to_v2(tx: Tx, lineage: str) -> None:
    # Each run/step/artifact insert takes MAX(seq) of its table: without an index that
    # is a full scan (5 ms per write at 60k step runs, runtime bench). IF NOT EXISTS:
    # some v1 files already got these indexes from a stop-gap in sqlite.py.
    for table in ("runs", "step_runs", "artifacts"):
        tx.run(f"CREATE INDEX IF NOT EXISTS {table}_seq ON {table} (seq)")


def _to_v3(tx: Tx, lineage: str) -> None:
    # A commit used to store a full snapshot of every resource (O(all resources) per
    # commit: quadratic applies at 50k). Now it stores only what changed, one row per
    # address (``resource`` NULL = deleted), and a full snapshot only now and then (see
    # ``sql.py``). Existing snapshots stay: they are the checkpoints of older serials.
    tx.run(
        """CREATE TABLE resource_changes (
        serial BIGINT NOT NULL, address TEXT NOT NULL, resource TEXT,
        PRIMARY KEY (serial, address))"""
    )


def _to_v4(tx: Tx, lineage: str) -> None:
    # Named artifact versions, their tags, logged metadata and what each step consumed
    # (issue 11). Self-contained: new tables only, existing rows untouched.
    for statement in V4:
        tx.run(statement)


def _to_v5(tx: Tx, lineage: str) -> None:
    # Models: versions, stages, stage history (self-contained: see state/models_sql.py).
    for statement in MODELS_DDL:
        tx.run(statement)


def _to_v6(tx: Tx, lineage: str) -> None:
    # The worker records a short preview with each output (runtime.previews), so the
    # run summary and `runs show` never load an artifact in the CLI. Older rows: ''.
    tx.run("ALTER TABLE artifacts ADD COLUMN preview TEXT NOT NULL DEFAULT ''")


def _to_v7(tx: Tx, lineage: str) -> None:
    # Model servers started by `stackctl model deploy` (state/deployments_schema.py).
    for statement in DEPLOYMENTS_DDL:
        tx.run(statement)


def _to_v8(tx: Tx, lineage: str) -> None:
    # A cache hit copies the producing step's metadata: by (run_id, step) the primary
    # key (run_id, scope, step, ...) found it only after reading every row of the run,
    # so a fully cached run was quadratic in its steps.
    tx.run("CREATE INDEX IF NOT EXISTS metadata_step ON metadata (run_id, step, seq)")


#: version -> step from the version before it; a new version appends one function.
MIGRATIONS: dict[int, Callable[[Tx, str], None]] = {
    1: _to_v1,
    2: _to_v2,
    3: _to_v3,
    4: _to_v4,
    5: _to_v5,
    6: _to_v6,
    7: _to_v7,
    8: _to_v8,
}
assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))


def check_version(found: int, where: str) -> None:
    """Refuse a state written by a newer stackctl before touching anything."""
    if found > SCHEMA_VERSION:
        raise StateError(
            f"state at {where} was written by a newer stackctl "
            f"(schema {found} > {SCHEMA_VERSION}); upgrade stackctl",
            hint="pip install -U stackctl",
        )


def migrate(tx: Tx, found: int, lineage: str) -> None:
    """Bring a schema at version ``found`` (0 = empty database) up to SCHEMA_VERSION."""
    for version in range(found + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version](tx, lineage)
    if found < SCHEMA_VERSION:
        tx.run("UPDATE meta SET value = ? WHERE key = 'schema_version'", str(SCHEMA_VERSION))


def foreign_tables(tables: Sequence[str], where: str) -> StateError:
    shown = ", ".join(sorted(tables)[:5])
    return StateError(
        f"{where} is not a stackctl state: it has tables ({shown}) but no stackctl metadata",
        hint="point `state:` in stackctl.yaml at a new file or an empty database",
    )
