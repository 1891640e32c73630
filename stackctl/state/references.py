"""Which stored objects state records point at: the mark phase of `artifacts prune`.

Shared by the SQL stores and the memory store (whose named-artifact and metadata
tables are SQL too), so both answer the same question the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

#: Every object URI a table row points at, with the run that holds the record ("" for
#: named versions, which no run deletion removes).
REFERENCES_SQL = (
    "SELECT run_id, uri FROM artifacts"
    " UNION SELECT run_id, log_uri AS uri FROM step_runs"
    " UNION SELECT run_id, uri FROM step_inputs"
    " UNION SELECT '' AS run_id, uri FROM artifact_versions"
)

#: The metadata scope visualizations are recorded under (runtime/visualizations.py):
#: each row's value is JSON naming the stored object's ``uri``.
VISUALIZATION_SCOPE = "visualization"
VISUALIZATIONS_SQL = "SELECT run_id, value FROM metadata WHERE scope = ?"


def visualization_references(rows: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """(run id, uri) of every visualization a metadata row records (a row that is not
    the JSON the runtime writes references nothing)."""
    found = set()
    for row in rows:
        try:
            value = json.loads(row["value"])
        except (TypeError, ValueError):
            continue
        uri = value.get("uri") if isinstance(value, dict) else None
        if isinstance(uri, str) and uri:
            found.add((str(row["run_id"]), uri))
    return found
