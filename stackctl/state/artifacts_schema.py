"""Tables of schema v4: named artifact versions, tags, metadata and step inputs.

Portable DDL (SQLite and PostgreSQL). A version row points at an object already in the
artifact store; two runs publishing identical bytes get two rows with the same digest.
"""

from __future__ import annotations

from collections.abc import Callable

#: The tables a dump carries besides the run records (``state migrate``), in the order
#: they are restored.
V4_TABLES = ("artifact_versions", "artifact_tags", "metadata", "step_inputs")

V4 = (
    # (name, version) is the primary key: two runs racing for the same next version
    # cannot both insert it, the loser retries (artifacts_sql.py). (name, run, step,
    # output) is unique so that recording the same output twice stays one version.
    """CREATE TABLE artifact_versions (
        name TEXT NOT NULL, version BIGINT NOT NULL, run_id TEXT NOT NULL,
        step TEXT NOT NULL, output TEXT NOT NULL, uri TEXT NOT NULL, digest TEXT NOT NULL,
        size BIGINT NOT NULL, materializer TEXT NOT NULL, type TEXT NOT NULL,
        producer_run_id TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (name, version), UNIQUE (name, run_id, step, output))""",
    "CREATE INDEX artifact_versions_run ON artifact_versions (run_id)",
    # A tag names one version of a name at a time: tagging another version moves it.
    """CREATE TABLE artifact_tags (
        name TEXT NOT NULL, tag TEXT NOT NULL, version BIGINT NOT NULL,
        PRIMARY KEY (name, tag))""",
    """CREATE TABLE metadata (
        run_id TEXT NOT NULL, scope TEXT NOT NULL, step TEXT NOT NULL, output TEXT NOT NULL,
        key TEXT NOT NULL, value TEXT NOT NULL, seq BIGINT NOT NULL,
        PRIMARY KEY (run_id, scope, step, output, key))""",
    "CREATE INDEX metadata_seq ON metadata (seq)",
    """CREATE TABLE step_inputs (
        run_id TEXT NOT NULL, step TEXT NOT NULL, arg TEXT NOT NULL,
        source_run_id TEXT NOT NULL, source_step TEXT NOT NULL, source_output TEXT NOT NULL,
        uri TEXT NOT NULL, digest TEXT NOT NULL, artifact TEXT NOT NULL,
        version BIGINT NOT NULL, PRIMARY KEY (run_id, step, arg))""",
    "CREATE INDEX step_inputs_source ON step_inputs (source_run_id, source_step, source_output)",
)


def stand_in(execute: Callable[[str], object]) -> None:
    """Empty TEMP copies of the v4 tables, for a read-only open of an older state file
    (which must not be migrated by a command that only looks): its queries then see no
    named artifacts instead of failing on a missing table."""
    for statement in V4:
        if statement.startswith("CREATE TABLE"):
            execute(statement.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
