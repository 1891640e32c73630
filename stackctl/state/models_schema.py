"""The model tables: schema v5 (state/schema.py runs ``DDL``; models_sql.py uses them).

A module of its own so that schema.py (the migrations) and models_sql.py (the queries)
both import it and not each other.
"""

from __future__ import annotations

#: The schema version that added the model tables (read-only opens of older files
#: have none: they read as "no models").
MODELS_SINCE = 5

DDL = (
    """CREATE TABLE models (
        name TEXT PRIMARY KEY, description TEXT NOT NULL, tags TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE model_versions (
        name TEXT NOT NULL, version BIGINT NOT NULL, run_id TEXT NOT NULL,
        pipeline TEXT NOT NULL, created_at TEXT NOT NULL, stage TEXT NOT NULL,
        metadata TEXT NOT NULL, PRIMARY KEY (name, version))""",
    "CREATE UNIQUE INDEX model_versions_run ON model_versions (name, run_id)",
    # The database itself refuses a second production (or staging) version of a model.
    """CREATE UNIQUE INDEX model_versions_stage ON model_versions (name, stage)
        WHERE stage IN ('staging', 'production')""",
    """CREATE TABLE model_stage_changes (
        name TEXT NOT NULL, seq BIGINT NOT NULL, version BIGINT NOT NULL,
        from_stage TEXT NOT NULL, to_stage TEXT NOT NULL, who TEXT NOT NULL,
        at TEXT NOT NULL, PRIMARY KEY (name, seq))""",
)
