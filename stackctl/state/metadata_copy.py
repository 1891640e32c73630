"""A cache hit's metadata copied inside the database: one INSERT ... SELECT per chunk of
hits, so the producer's values are never read into Python, decoded and written back.

Each copied row gets the next ``seq`` (after every row already written), in hit order,
then in the order the producer logged its keys, as ``sqlruns.insert_row`` numbers rows
one by one; a key the target already has keeps its ``seq`` and takes the copied value.
Portable: SQLite and PostgreSQL (whose Tx turns ``?`` into ``%s``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from stackctl.model import MetadataCopy

#: hits per statement: 5 parameters each, well under SQLite's 32,766
CHUNK = 300


@functools.cache  # one shape per chunk size: full chunks and the last one
def copy_sql(count: int) -> str:
    """The statement copying ``count`` hits (5 parameters each, see ``copy_statements``)."""
    # The ord column is cast: PostgreSQL reads an untyped VALUES parameter as text.
    values = ", ".join(["(CAST(? AS BIGINT), ?, ?, ?, ?)"] * count)
    return (
        "WITH hit(ord, source_run, source_step, target_run, target_step)"
        f" AS (VALUES {values})"
        " INSERT INTO metadata (run_id, scope, step, output, key, value, seq)"
        " SELECT hit.target_run, m.scope, hit.target_step, m.output, m.key, m.value,"
        # Both databases evaluate the SELECT before inserting any row (SQLite through a
        # temporary table, as it reads the table it writes), so MAX is the one before.
        " (SELECT COALESCE(MAX(top.seq), 0) FROM metadata AS top)"
        " + ROW_NUMBER() OVER (ORDER BY hit.ord, m.seq)"
        # (run_id, step) is the metadata_step index (schema v8)
        " FROM hit JOIN metadata AS m ON m.run_id = hit.source_run AND m.step = hit.source_step"
        # SQLite would read ON CONFLICT as the join's constraint without a WHERE.
        " WHERE true"
        " ON CONFLICT (run_id, scope, step, output, key) DO UPDATE SET value = excluded.value"
    )


def copy_statements(copies: Sequence[MetadataCopy]) -> list[tuple[str, list[Any]]]:
    """The statements (with their parameters) copying ``copies`` in order.

    A statement reads the table as it was before it, and PostgreSQL refuses to update
    one row twice in one statement: so a copy starts a new chunk when its target was
    already written by this chunk, or its producer is a target of it (a hit on a hit of
    the same run). Then running the statements in order is copying one hit at a time.
    """
    chunks: list[list[MetadataCopy]] = []
    targets: set[tuple[str, str]] = set()
    for copy in copies:
        target, source = (copy.run_id, copy.step), (copy.producer_run, copy.producer_step)
        if not chunks or len(chunks[-1]) == CHUNK or target in targets or source in targets:
            chunks.append([])
            targets = set()
        chunks[-1].append(copy)
        targets.add(target)
    return [
        (
            copy_sql(len(chunk)),
            [
                value
                for ord_, c in enumerate(chunk)
                for value in (ord_, c.producer_run, c.producer_step, c.run_id, c.step)
            ],
        )
        for chunk in chunks
    ]
