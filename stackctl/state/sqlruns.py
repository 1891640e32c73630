"""Run, step-run and artifact records in SQL: short transactions, no state lock.

The runtime calls these once per step while other runs (and applies) go on, so each
call is its own small transaction and never waits for the apply lock.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from stackctl.model import ArtifactRecord, Run, RunStatus, StepRun
from stackctl.state import codec
from stackctl.state.lookups import LATEST, no_latest, no_run, pick_run
from stackctl.state.references import (
    REFERENCES_SQL,
    VISUALIZATION_SCOPE,
    VISUALIZATIONS_SQL,
    visualization_references,
)
from stackctl.state.schema import Tx


def upsert_sql(table: str, columns: Sequence[str], keys: Sequence[str]) -> str:
    return _upsert_sql(table, tuple(columns), tuple(keys))


@functools.cache  # a few shapes, written per record of every step: build each once
def _upsert_sql(table: str, columns: tuple[str, ...], keys: tuple[str, ...]) -> str:
    """INSERT or update in place; a new row gets the next ``seq`` (insertion order)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}, seq)"
        f" VALUES ({', '.join('?' * len(columns))},"
        f" (SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}))"
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


def insert_row(tx: Tx, table: str, row: Mapping[str, Any], keys: Sequence[str]) -> None:
    tx.run(_upsert_sql(table, tuple(row), tuple(keys)), *row.values())


def insert_rows(tx: Tx, table: str, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> None:
    """``insert_row`` for many rows, in their order: one statement run for every row when
    they share their columns (the codec's rows of a table do)."""
    if not rows:
        return
    columns = tuple(rows[0])
    if any(tuple(row) != columns for row in rows):  # mixed: row by row, in order
        for row in rows:
            insert_row(tx, table, row, keys)
        return
    tx.many(_upsert_sql(table, columns, tuple(keys)), [tuple(row.values()) for row in rows])


#: A cache hit's producer and its artifacts in one statement (a hit's only read); the
#: artifact columns are prefixed (``a_``): a step with no outputs is one row of NULLs.
_ARTIFACT_COLUMNS = (
    "name",
    "uri",
    "digest",
    "size",
    "materializer",
    "type",
    "producer_run_id",
    "preview",
)
_CACHE_LOOKUP = (
    "SELECT s.*, "
    + ", ".join(f"a.{c} AS a_{c}" for c in _ARTIFACT_COLUMNS)
    + " FROM (SELECT * FROM step_runs WHERE cache_key = ? AND status = ?"
    " ORDER BY COALESCE(finished_at, '') DESC, seq DESC LIMIT 1) AS s"
    " LEFT JOIN artifacts AS a ON a.run_id = s.run_id AND a.step = s.step"
    " ORDER BY a.seq"
)
_STEP_KEY, _ARTIFACT_KEY = ("run_id", "step"), ("run_id", "step", "name")


class RunRecords:
    """Mixin for SqlStateStore: the run half of the StateStore contract."""

    def _tx(self, write: bool = False, durable: bool = True) -> AbstractContextManager[Tx]:
        raise NotImplementedError

    def _query(self, sql: str, *params: Any) -> list[Mapping[str, Any]]:
        """One read statement (a store may run it without an explicit transaction:
        a single statement reads one consistent snapshot anyway)."""
        with self._tx() as tx:
            return tx.all(sql, *params)

    def record_run(self, run: Run) -> None:
        row = codec.run_to_row(run)
        with self._tx(write=True, durable=False) as tx:
            insert_row(tx, "runs", row, ["id"])

    def finish_run(self, run_id: str, status: RunStatus, finished_at: str) -> None:
        with self._tx(write=True, durable=False) as tx:
            changed = tx.run(
                "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
                *(str(status), finished_at, run_id),
            )
            if changed == 0:
                raise no_run(run_id)

    def record_step(self, step: StepRun) -> None:
        row = codec.step_to_row(step)
        with self._tx(write=True, durable=False) as tx:
            insert_row(tx, "step_runs", row, ["run_id", "step"])

    def record_artifacts(self, artifacts: Sequence[ArtifactRecord]) -> None:
        rows = [codec.artifact_to_row(a) for a in artifacts]
        if not rows:
            return
        with self._tx(write=True, durable=False) as tx:
            insert_rows(tx, "artifacts", rows, _ARTIFACT_KEY)

    def record_batch(self, steps: Sequence[StepRun], artifacts: Sequence[ArtifactRecord]) -> None:
        """Artifact records, then step records, in one transaction: the run loop's
        write-behind (one short transaction for all it buffered, not four per step)."""
        if not steps and not artifacts:
            return
        with self._tx(write=True, durable=False) as tx:
            insert_rows(
                tx, "artifacts", [codec.artifact_to_row(a) for a in artifacts], _ARTIFACT_KEY
            )
            insert_rows(tx, "step_runs", [codec.step_to_row(s) for s in steps], _STEP_KEY)

    def runs(
        self,
        *,
        stack: str | None = None,
        pipeline: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Run]:
        where, params = [], []
        for column, value in (("stack", stack), ("pipeline", pipeline)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        with self._tx() as tx:
            rows = tx.all(
                f"SELECT * FROM runs{clause} ORDER BY started_at DESC, seq DESC LIMIT ? OFFSET ?",
                *params,
                *(limit, offset),
            )
        return [codec.run_from_row(r) for r in rows]

    def run(self, run_id: str) -> Run:
        if run_id == LATEST:
            newest = self.runs(limit=1)
            if not newest:
                raise no_latest()
            return newest[0]
        with self._tx() as tx:
            row = tx.one("SELECT * FROM runs WHERE id = ?", run_id)
            if row is None:
                pattern = run_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                rows = tx.all("SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\'", pattern + "%")
                # LIKE ignores case in SQLite; the prefix must match exactly.
                matches = sorted(r["id"] for r in rows if r["id"].startswith(run_id))
                row = tx.one("SELECT * FROM runs WHERE id = ?", pick_run(run_id, matches))
        assert row is not None  # pick_run returned an id that exists in this snapshot
        return codec.run_from_row(row)

    def steps(self, run_id: str) -> list[StepRun]:
        with self._tx() as tx:
            rows = tx.all("SELECT * FROM step_runs WHERE run_id = ? ORDER BY seq", run_id)
        return [codec.step_from_row(r) for r in rows]

    def artifacts(self, run_id: str) -> list[ArtifactRecord]:
        with self._tx() as tx:
            rows = tx.all("SELECT * FROM artifacts WHERE run_id = ? ORDER BY seq", run_id)
        return [codec.artifact_from_row(r) for r in rows]

    def cache_lookup(self, cache_key: str) -> tuple[StepRun, list[ArtifactRecord]] | None:
        rows = self._query(_CACHE_LOOKUP, cache_key, str(RunStatus.COMPLETED))
        if not rows:
            return None
        step = rows[0]
        artifacts = [
            codec.artifact_from_row(
                {
                    "run_id": step["run_id"],
                    "step": step["step"],
                    **{c: row[f"a_{c}"] for c in _ARTIFACT_COLUMNS},
                }
            )
            for row in rows
            if row["a_name"] is not None
        ]
        return codec.step_from_row(step), artifacts

    # -- deletion (issue 11 part 7: `artifacts prune`, `runs delete`) ----------------------
    def delete_runs(self, run_ids: Sequence[str]) -> int:
        rows = 0
        if not run_ids:
            return 0
        # One durable transaction: a kill leaves every run either whole or gone.
        with self._tx(write=True) as tx:
            for run_id in run_ids:
                for table in RUN_TABLES:
                    tx.run(f"DELETE FROM {table} WHERE run_id = ?", run_id)
                rows += tx.run("DELETE FROM runs WHERE id = ?", run_id)
        return rows

    def object_references(self) -> list[tuple[str, str]]:
        with self._tx() as tx:
            rows = tx.all(REFERENCES_SQL)
            shown = tx.all(VISUALIZATIONS_SQL, VISUALIZATION_SCOPE)
        found = {(r["run_id"], r["uri"]) for r in rows if r["uri"]}
        return sorted(found | visualization_references(shown))


#: Tables whose rows belong to one run (deleted with it); named versions and model
#: versions are not among them: they outlive a deleted run and keep its objects.
RUN_TABLES = ("step_inputs", "metadata", "artifacts", "step_runs")
