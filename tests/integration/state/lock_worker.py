"""A separate stackctl-like process for the lock tests (run as a script, not collected).

usage: lock_worker.py MODE TARGET [ARG...]
  TARGET is a SQLite path or a postgresql:// URL.
  sleep DIR      take the lock, touch DIR/ready, sleep until killed.
  apply DIR N    N times: take the lock (waiting), check nobody else is inside, commit.
Exit codes: 0 ok, 130 interrupted (SIGTERM). Who gets exit 3 for a held lock is the real
CLI's business: test_state_lock_processes.py drives `stackctl apply` / `plan` for that.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from stackctl.model import Resource
from stackctl.state.base import StateStore

# Run as a script, outside pytest's `pythonpath`: reach tests/support/ the same way.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from support.stores import open_store  # noqa: E402


def commit(store: StateStore, name: str) -> int:
    resource = Resource(f"orchestrator.{name}", "orchestrator", name, "local", {"pid": os.getpid()})
    return store.commit(upserts=[resource], operation="apply", who="worker", summary=name).serial


def main(mode: str, target: str, workdir: str, count: str = "1") -> int:
    store = open_store(target)
    work = Path(workdir)
    if mode == "sleep":
        with store.lock("apply", timeout=0):
            (work / "ready").touch()
            time.sleep(120)
        return 0
    for i in range(int(count)):
        with store.lock("apply", timeout=120):
            inside = work / "inside"
            fd = os.open(inside, os.O_CREAT | os.O_EXCL)  # fails if another writer is in
            before = store.read().serial
            after = commit(store, f"p{os.getpid()}_{i}")
            assert after == before + 1, (before, after)
            os.close(fd)
            inside.unlink()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(*sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
