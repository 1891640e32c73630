"""Model versions and stages in SQL (SQLite and PostgreSQL), one transaction per change.

Tables (DDL in models_schema.py, the self-contained schema-v5 migration):
``models`` (one row per name), ``model_versions`` (name, version) with a partial unique
index that lets each exclusive stage (staging, production) hold one version per model,
and ``model_stage_changes`` (who moved what, when). Like run records these are short
transactions that never wait for the apply lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from stackctl.errors import StateError
from stackctl.model import ModelDecl, ModelSummary, ModelVersion, StageChange
from stackctl.state import codec
from stackctl.state.models_base import no_model, pick, promotion
from stackctl.state.models_schema import MODELS_SINCE
from stackctl.state.schema import Tx

#: How often a version insert that lost a race for its number is tried again.
RETRIES = 20


def is_unique_violation(exc: BaseException) -> bool:
    """A duplicate key, in SQLite's or psycopg's words (SQLSTATE 23505)."""
    return isinstance(exc, sqlite3.IntegrityError) or getattr(exc, "sqlstate", "") == "23505"


def _version(row: Mapping[str, Any]) -> ModelVersion:
    return ModelVersion(
        model=row["name"],
        version=int(row["version"]),
        run_id=row["run_id"],
        pipeline=row["pipeline"],
        created_at=row["created_at"],
        stage=row["stage"],
        metadata=codec.loads(row["metadata"]) or {},
    )


def _change(row: Mapping[str, Any]) -> StageChange:
    return StageChange(
        row["name"], int(row["version"]), row["from_stage"], row["to_stage"], row["who"], row["at"]
    )


class SqlModelRecords:
    """Mixin for SqlStateStore: the ModelStore contract."""

    def _tx(self, write: bool = False, durable: bool = True) -> AbstractContextManager[Tx]:
        raise NotImplementedError

    @contextmanager
    def _models_tx(self, write: bool = False) -> Iterator[Tx]:
        # A state file from before the models migration, opened read-only, has no
        # model tables yet: it simply has no models.
        with self._tx(write=write) as tx:
            row = tx.one("SELECT value FROM meta WHERE key = 'schema_version'")
            if row is None or int(row["value"]) < MODELS_SINCE:
                raise _NoTables
            yield tx

    def create_model_version(
        self, model: ModelDecl, run_id: str, pipeline: str, metadata: Mapping[str, Any], at: str
    ) -> ModelVersion:
        text = codec.dumps(dict(metadata), f"metadata of model {model.name!r}")
        tags = codec.dumps(list(model.tags), f"tags of model {model.name!r}")
        with self._models_tx(write=True) as tx:
            tx.run(
                "INSERT INTO models (name, description, tags, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET description = excluded.description,"
                " tags = excluded.tags",
                *(model.name, model.description, tags, at),
            )
            for _ in range(RETRIES):
                found = tx.one(
                    "SELECT * FROM model_versions WHERE name = ? AND run_id = ?", model.name, run_id
                )
                if found is not None:
                    return _version(found)
                # Savepoint: on PostgreSQL a failed statement aborts the transaction;
                # rolling back to here keeps the rest of it and tries the next number.
                tx.run("SAVEPOINT model_version")
                try:
                    tx.run(
                        "INSERT INTO model_versions (name, version, run_id, pipeline,"
                        " created_at, stage, metadata) VALUES (?, (SELECT COALESCE(MAX(version),"
                        " 0) + 1 FROM model_versions WHERE name = ?), ?, ?, ?, '', ?)",
                        *(model.name, model.name, run_id, pipeline, at, text),
                    )
                except Exception as exc:
                    if not is_unique_violation(exc):
                        raise
                    tx.run("ROLLBACK TO SAVEPOINT model_version")
                    continue
                tx.run("RELEASE SAVEPOINT model_version")
        raise StateError(
            f"cannot number a new version of model {model.name!r}: "
            f"{RETRIES} concurrent runs took every number first",
            hint="run the pipeline again",
        )

    def models(self) -> list[ModelSummary]:
        try:
            with self._models_tx() as tx:
                rows = tx.all("SELECT * FROM models ORDER BY name")
                versions = tx.all(
                    "SELECT name, MAX(version) AS latest FROM model_versions GROUP BY name"
                )
                staged = tx.all("SELECT name, version, stage FROM model_versions WHERE stage <> ''")
        except _NoTables:
            return []
        latest = {r["name"]: int(r["latest"]) for r in versions}
        stages: dict[str, dict[str, int]] = {}
        for r in staged:
            if r["stage"] != "archived":
                stages.setdefault(r["name"], {})[r["stage"]] = int(r["version"])
        return [
            ModelSummary(
                r["name"],
                r["description"],
                tuple(codec.loads(r["tags"]) or ()),
                r["created_at"],
                latest.get(r["name"], 0),
                stages.get(r["name"], {}),
            )
            for r in sorted(rows, key=lambda r: str(r["name"]))
        ]

    def model_versions(self, name: str) -> list[ModelVersion]:
        try:
            with self._models_tx() as tx:
                return self._versions(tx, name)
        except _NoTables:
            raise no_model(name, []) from None

    def _versions(self, tx: Tx, name: str) -> list[ModelVersion]:
        if tx.one("SELECT name FROM models WHERE name = ?", name) is None:
            raise no_model(name, [r["name"] for r in tx.all("SELECT name FROM models")])
        rows = tx.all("SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC", name)
        return [_version(r) for r in rows]

    def model_version(self, name: str, ref: str) -> ModelVersion:
        return pick(name, self.model_versions(name), ref)

    def promote_model(
        self, name: str, version: int, stage: str, who: str, at: str
    ) -> list[StageChange]:
        try:
            with self._models_tx(write=True) as tx:
                changes = promotion(self._versions(tx, name), version, stage, who, at)
                for change in changes:  # the archived holder first: the index allows one
                    tx.run(
                        "UPDATE model_versions SET stage = ? WHERE name = ? AND version = ?",
                        *(change.to_stage, name, change.version),
                    )
                    tx.run(
                        "INSERT INTO model_stage_changes (name, seq, version, from_stage,"
                        " to_stage, who, at) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1"
                        " FROM model_stage_changes WHERE name = ?), ?, ?, ?, ?, ?)",
                        *(name, name, change.version, change.from_stage, change.to_stage),
                        *(change.who, change.at),
                    )
        except _NoTables:
            raise no_model(name, []) from None
        return changes

    def stage_history(self, name: str, version: int | None = None) -> list[StageChange]:
        try:
            with self._models_tx() as tx:
                rows = tx.all("SELECT * FROM model_stage_changes WHERE name = ? ORDER BY seq", name)
        except _NoTables:
            return []
        changes = [_change(r) for r in rows]
        return [c for c in changes if version is None or c.version == version]


class _NoTables(Exception):
    """The state predates the model tables (read-only open of an old file)."""


TABLES = ("models", "model_versions", "model_stage_changes")


def export_rows(tx: Tx) -> dict[str, tuple[Mapping[str, Any], ...]]:
    """The model tables' rows (``StateDump.models``, for `stackctl state migrate`)."""
    return {t: tuple(dict(r) for r in tx.all(f"SELECT * FROM {t}")) for t in TABLES}


def import_rows(tx: Tx, rows: Mapping[str, Any]) -> None:
    """Replace the model tables' rows with ``rows`` (inside the caller's transaction)."""
    for table in TABLES:
        tx.run(f"DELETE FROM {table}")
    for table in TABLES:
        for row in rows.get(table, ()):
            columns = list(row)
            tx.run(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                *row.values(),
            )
