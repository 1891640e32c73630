"""The integrity scan is skipped only for a file exactly as a clean close left it:
any other change to the file, or a WAL with frames left by a crash, makes the open
check; the empty WAL a read-only look leaves does not."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from stackctl.errors import StateError
from stackctl.model import Resource
from stackctl.state.sqlite import SqliteStateStore


def _traced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement any store connection runs from now on."""
    seen: list[str] = []
    connect = SqliteStateStore._connect

    def tracing(self: SqliteStateStore, target: str, *, uri: bool = False) -> sqlite3.Connection:
        conn = connect(self, target, uri=uri)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(SqliteStateStore, "_connect", tracing)
    return seen


def _fill(path: Path) -> None:
    store = SqliteStateStore(path)
    with store.lock("apply"):
        store.commit(
            upserts=[Resource("orchestrator.local", "orchestrator", "local", "local", {})],
            operation="apply",
            who="ann",
            summary="1 added",
        )
    store.close()


def _checks(seen: list[str]) -> int:
    return sum("quick_check" in s for s in seen)


@pytest.mark.parametrize("read_only", [False, True])
def test_a_cleanly_closed_file_opens_without_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: bool
) -> None:
    path = tmp_path / "state.db"
    _fill(path)
    assert (tmp_path / "state.db.checked").is_file()
    assert not (tmp_path / "state.db-wal").exists()
    seen = _traced(monkeypatch)
    store = SqliteStateStore(path, read_only=read_only)
    assert list(store.read().resources) == ["orchestrator.local"]
    store.close()
    assert _checks(seen) == 0


def test_a_touched_file_is_scanned_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.db"
    _fill(path)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1))  # same bytes, other identity
    seen = _traced(monkeypatch)
    SqliteStateStore(path).close()
    assert _checks(seen) >= 1


def test_a_wal_left_behind_is_scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.db"
    _fill(path)
    (tmp_path / "state.db-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(28))  # frames
    seen = _traced(monkeypatch)
    SqliteStateStore(path).close()
    assert _checks(seen) >= 1


def test_a_look_at_the_state_does_not_cost_the_next_run_a_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.db"
    _fill(path)
    reader = SqliteStateStore(path, read_only=True)  # `stackctl runs list`, the dashboard
    assert list(reader.read().resources) == ["orchestrator.local"]
    reader.close()
    wal = tmp_path / "state.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # it may leave an empty one
    seen = _traced(monkeypatch)
    SqliteStateStore(path).close()
    assert _checks(seen) == 0


def test_damage_after_a_clean_close_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _fill(path)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page, len(data)):  # wreck every page after the first
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    with pytest.raises(StateError, match="corrupt"):
        SqliteStateStore(path)
    assert path.read_bytes() == bytes(data)
