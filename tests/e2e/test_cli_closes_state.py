"""A command closes its state store when it ends: SQLite's WAL is checkpointed into the
file and the file stamped clean, so the next command or run opens it without a scan."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import STACKCTL, call, clean_env


@pytest.mark.parametrize(
    "command", [["run", "hello"], ["runs", "list"], ["apply", "--auto-approve"]]
)
def test_a_command_leaves_the_state_file_clean(tmp_path: Path, command: list[str]) -> None:
    env = clean_env()
    call([STACKCTL, "init"], cwd=tmp_path, env=env)
    call([STACKCTL, "run", "hello"], cwd=tmp_path, env=env)  # the state file exists
    call([STACKCTL, *command], cwd=tmp_path, env=env)
    state = tmp_path / ".stackctl" / "state.db"
    wal = state.with_name("state.db-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # every commit is in the file
    st = state.stat()
    stamp = f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"
    assert state.with_name("state.db.checked").read_text() == stamp  # no scan next time
