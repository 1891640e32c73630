"""A separate stackctl-like process for the lock tests (run as a script, not collected).

usage: lock_worker.py MODE TARGET [ARG...]
  TARGET is a SQLite path or a postgresql:// URL.
  hold DIR       take the lock (no wait), touch DIR/ready-<pid>, wait for DIR/go, commit.
  sleep DIR      take the lock, touch DIR/ready, sleep until killed.
  apply DIR N    N times: take the lock (waiting), check nobody else is inside, commit.
Exit codes follow the CLI: 0 ok, 3 state locked, 130 interrupted (SIGTERM).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from stackctl.errors import StateLockedError
from stackctl.model import Resource
from stackctl.state.base import StateStore

# Run as a script, outside pytest's `pythonpath`: reach tests/support/ the same way.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from support.stores import open_store  # noqa: E402


def commit(store: StateStore, name: str) -> int:
    resource = Resource(f"orchestrator.{name}", "orchestrator", name, "local", {"pid": os.getpid()})
    return store.commit(upserts=[resource], operation="apply", who="worker", summary=name).serial


def wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.02)


def main(mode: str, target: str, workdir: str, count: str = "1") -> int:
    store = open_store(target)
    work = Path(workdir)
    if mode == "hold":
        with store.lock("apply", timeout=0):
            (work / f"ready-{os.getpid()}").touch()
            wait_for(work / "go")
            commit(store, f"p{os.getpid()}")
        return 0
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
    except StateLockedError as exc:
        print(exc.render(), file=sys.stderr)
        sys.exit(3)
    except KeyboardInterrupt:
        sys.exit(130)
