"""Issue 13: a step failing on a read-only artifact store points at the store, not at
`runs logs` (which has nothing: no log could be stored). Needs a read-only bind mount:
skipped, saying so, only where mount is not permitted (a failure under CI, like a missing service) (root ignores mode bits)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from run_project_helpers import make_run_project
from support.services import service_missing


def _mount_ro(folder: Path) -> None:
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bind.returncode != 0:
        service_missing(f"mount is not permitted here: {bind.stderr.decode().strip()}")
    subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)


def test_a_read_only_store_hint_names_the_store(tmp_path: Path):
    project = make_run_project(tmp_path / "proj")
    project.run("tiny")
    store = project.store
    _mount_ro(store)
    try:
        r = project.stackctl("run", "tiny", "-p", "n=7", code=1)
    finally:
        subprocess.run(["umount", str(store)], check=True)
    assert "Read-only file system" in r.err
    assert f"its logs could not be saved; check that {store} is writable" in r.err
    assert "runs logs" not in r.err
