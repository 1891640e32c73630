"""Contract: `latest` names the newest run in every store (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

import pytest
from test_state_runs import run

from stackctl.errors import NotFoundError


def test_latest_is_the_newest_run(store):
    with pytest.raises(NotFoundError, match="no pipeline has run yet") as caught:
        store.run("latest")
    assert "stackctl run PIPELINE" in caught.value.hint
    store.record_run(run("aaa111", "2026-01-01T10:00:00Z"))
    store.record_run(run("bbb222", "2026-01-03T10:00:00Z"))
    store.record_run(run("ccc333", "2026-01-02T10:00:00Z"))
    assert store.run("latest").id == "bbb222"
    assert store.run("latest") == store.runs(limit=1)[0]
    assert store.run("ccc").id == "ccc333"  # prefixes still work next to the alias
