"""Named artifact versions, tags, metadata and step inputs in SQL (schema v4).

Versions are numbered in the database, not by the caller: the next number is
``MAX(version) + 1`` inside the INSERT, and (name, version) is the primary key, so of
two runs racing for version 3 one inserts it and the other inserts nothing and tries
again in a new transaction (on PostgreSQL, under READ COMMITTED, it then sees 3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import fields
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from stackctl.errors import NotFoundError, StateError
from stackctl.model import (
    ArtifactRecord,
    ArtifactSelector,
    ArtifactVersion,
    MetadataCopy,
    MetadataEntry,
    NamedOutput,
    StepInput,
)
from stackctl.state import codec
from stackctl.state.metadata_copy import copy_statements
from stackctl.state.schema import Tx
from stackctl.state.sqlruns import insert_rows

#: Attempts at the next version number before giving up (each loses only to a commit).
_RETRIES = 50

_INSERT_VERSION = """
    INSERT INTO artifact_versions (name, version, run_id, step, output, uri, digest, size,
        materializer, type, producer_run_id, created_at)
    SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
    FROM artifact_versions WHERE name = ?
    ON CONFLICT DO NOTHING"""
_SAME_OUTPUT = (
    "SELECT * FROM artifact_versions WHERE name = ? AND run_id = ? AND step = ? AND output = ?"
)


class NamedArtifactRecords:
    """Mixin: the NamedArtifacts contract over any store with a ``_tx``."""

    def _tx(self, write: bool = False, durable: bool = True) -> AbstractContextManager[Tx]:
        raise NotImplementedError

    # -- versions --------------------------------------------------------------------------
    def record_versions(
        self, published: Sequence[tuple[NamedOutput, ArtifactRecord]]
    ) -> list[ArtifactVersion]:
        return [self._record_version(named, record) for named, record in published]

    def _record_version(self, named: NamedOutput, record: ArtifactRecord) -> ArtifactVersion:
        key = (named.name, record.run_id, record.step, record.name)
        producer = record.producer_run_id or record.run_id
        for _ in range(_RETRIES):
            with self._tx(write=True, durable=False) as tx:
                row = tx.one(_SAME_OUTPUT, *key)
                if row is None and tx.run(
                    _INSERT_VERSION,
                    *key,
                    *(record.uri, record.digest, record.size, record.materializer, record.type),
                    *(producer, _now(), named.name),
                ):
                    row = tx.one(_SAME_OUTPUT, *key)
                if row is None:
                    continue  # another run took this number first: a new snapshot sees it
                for tag in named.tags:
                    _move_tag(tx, named.name, tag, int(row["version"]))
                return self._version(tx, row)
        raise StateError(
            f"could not number a new version of artifact {named.name!r} "
            f"after {_RETRIES} attempts (too many runs publishing it at once)",
            hint="run the pipeline again; its steps come from the cache",
        )

    def artifact_names(self) -> list[ArtifactVersion]:
        with self._tx() as tx:
            rows = tx.all(
                "SELECT v.* FROM artifact_versions v JOIN (SELECT name, MAX(version) AS top"
                " FROM artifact_versions GROUP BY name) t"
                " ON v.name = t.name AND v.version = t.top"
            )
            found = [self._version(tx, r) for r in rows]
        return sorted(found, key=lambda v: v.name)

    def artifact_versions(self, name: str) -> list[ArtifactVersion]:
        with self._tx() as tx:
            rows = tx.all("SELECT * FROM artifact_versions WHERE name = ? ORDER BY version", name)
            if not rows:
                raise _no_name(tx, name)
            return [self._version(tx, r) for r in rows]

    def artifact_version(self, selector: ArtifactSelector) -> ArtifactVersion:
        with self._tx() as tx:
            return self._version(tx, _select(tx, selector))

    def tag_artifact(self, name: str, version: int, tag: str) -> ArtifactVersion:
        with self._tx(write=True, durable=False) as tx:
            row = _select(tx, ArtifactSelector(name, str(version)))
            _move_tag(tx, name, tag, version)
            return self._version(tx, row)

    def artifact_versions_for_run(self, run_id: str) -> list[ArtifactVersion]:
        with self._tx() as tx:
            rows = tx.all(
                "SELECT * FROM artifact_versions WHERE run_id = ? ORDER BY created_at, name",
                run_id,
            )
            return [self._version(tx, r) for r in rows]

    def _version(self, tx: Tx, row: Mapping[str, Any]) -> ArtifactVersion:
        tags = tx.all(
            "SELECT tag FROM artifact_tags WHERE name = ? AND version = ? ORDER BY tag",
            *(row["name"], row["version"]),
        )
        return ArtifactVersion(
            name=row["name"],
            version=int(row["version"]),
            run_id=row["run_id"],
            step=row["step"],
            output=row["output"],
            uri=row["uri"],
            digest=row["digest"],
            size=int(row["size"]),
            materializer=row["materializer"],
            type=row["type"],
            producer_run_id=row["producer_run_id"],
            created_at=row["created_at"],
            tags=tuple(t["tag"] for t in tags),
        )

    # -- metadata --------------------------------------------------------------------------
    def record_metadata(self, entries: Sequence[MetadataEntry | MetadataCopy]) -> None:
        # Every value encoded (and checked) before the transaction; then each stretch of
        # one kind in order, so a copy sees the keys written before it in this call.
        writes: list[tuple[str, list[Any]] | list[dict[str, Any]]] = []
        for copying, stretch in groupby(entries, lambda e: isinstance(e, MetadataCopy)):
            if copying:
                writes += copy_statements([e for e in stretch if isinstance(e, MetadataCopy)])
            else:
                writes.append([_metadata_row(e) for e in stretch if isinstance(e, MetadataEntry)])
        if not writes:
            return
        with self._tx(write=True, durable=False) as tx:
            for write in writes:
                if isinstance(write, tuple):
                    tx.run(write[0], *write[1])
                else:
                    insert_rows(tx, "metadata", write, _METADATA_KEY)

    def metadata(self, run_id: str, step: str | None = None) -> list[MetadataEntry]:
        with self._tx() as tx:
            if step is None:
                rows = tx.all("SELECT * FROM metadata WHERE run_id = ? ORDER BY seq", run_id)
            else:
                rows = tx.all(  # the metadata_step index (schema v8)
                    "SELECT * FROM metadata WHERE run_id = ? AND step = ? ORDER BY seq",
                    run_id,
                    step,
                )
        return [
            MetadataEntry(
                r["run_id"], r["scope"], r["step"], r["output"], r["key"], codec.loads(r["value"])
            )
            for r in rows
        ]

    # -- step inputs -----------------------------------------------------------------------
    def record_inputs(self, inputs: Sequence[StepInput]) -> None:
        if not inputs:
            return
        columns = [f.name for f in fields(StepInput)]
        sql = (  # one statement for every row (the fields are the columns)
            f"INSERT INTO step_inputs ({', '.join(columns)})"
            f" VALUES ({', '.join('?' * len(columns))})"
            " ON CONFLICT (run_id, step, arg) DO UPDATE SET"
            + ", ".join(f" {c} = excluded.{c}" for c in columns if c not in _INPUT_KEY)
        )
        values = [tuple(getattr(item, c) for c in columns) for item in inputs]
        with self._tx(write=True, durable=False) as tx:
            tx.many(sql, values)

    def step_inputs(self, run_id: str) -> list[StepInput]:
        with self._tx() as tx:
            rows = tx.all("SELECT * FROM step_inputs WHERE run_id = ? ORDER BY step, arg", run_id)
        return [_input(r) for r in rows]

    def consumers(self, run_id: str, step: str, output: str) -> list[StepInput]:
        with self._tx() as tx:
            rows = tx.all(
                "SELECT * FROM step_inputs WHERE source_run_id = ? AND source_step = ?"
                " AND source_output = ? ORDER BY run_id, step, arg",
                *(run_id, step, output),
            )
        return [_input(r) for r in rows]


_INPUT_KEY = ("run_id", "step", "arg")
_METADATA_KEY = ("run_id", "scope", "step", "output", "key")


def _metadata_row(entry: MetadataEntry) -> dict[str, Any]:
    return {
        "run_id": entry.run_id,
        "scope": entry.scope,
        "step": entry.step,
        "output": entry.output,
        "key": entry.key,
        "value": codec.dumps(entry.value, f"metadata {entry.key!r}"),
    }


def _input(row: Mapping[str, Any]) -> StepInput:
    return StepInput(**{**row, "version": int(row["version"])})


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _move_tag(tx: Tx, name: str, tag: str, version: int) -> None:
    tx.run(
        "INSERT INTO artifact_tags (name, tag, version) VALUES (?, ?, ?)"
        " ON CONFLICT (name, tag) DO UPDATE SET version = excluded.version",
        *(name, tag, version),
    )


def _select(tx: Tx, selector: ArtifactSelector) -> Mapping[str, Any]:
    """The row ``selector`` names, or NotFoundError saying what exists instead."""
    name, version = selector.name, selector.version
    latest = tx.one("SELECT MAX(version) AS top FROM artifact_versions WHERE name = ?", name)
    top = latest["top"] if latest else None
    if top is None:
        raise _no_name(tx, name)
    if version == "latest":
        number = int(top)
    elif version.isdigit():
        number = int(version)
    else:
        tagged = tx.one(
            "SELECT version FROM artifact_tags WHERE name = ? AND tag = ?", *(name, version)
        )
        if tagged is None:
            tags = [r["tag"] for r in tx.all("SELECT tag FROM artifact_tags WHERE name = ?", name)]
            known = f"its tags: {', '.join(sorted(tags))}" if tags else "it has no tags"
            raise NotFoundError(
                f"artifact {name!r} has no version tagged {version!r} ({known})",
                hint=f"tag one: `stackctl artifacts tag {name}:VERSION {version}`",
            )
        number = int(tagged["version"])
    row = tx.one("SELECT * FROM artifact_versions WHERE name = ? AND version = ?", name, number)
    if row is None:
        raise NotFoundError(
            f"artifact {name!r} has no version {number} (versions 1 to {top})",
            hint=f"list them: `stackctl artifacts versions {name}`",
        )
    return row


def _no_name(tx: Tx, name: str) -> NotFoundError:
    import difflib

    names = [r["name"] for r in tx.all("SELECT DISTINCT name FROM artifact_versions")]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "list them: `stackctl artifacts versions`"
    return NotFoundError(f"no artifact is named {name!r}", hint=hint)
