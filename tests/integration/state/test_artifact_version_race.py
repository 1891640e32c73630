"""Runs racing to publish the same name: every version number is given exactly once.

Each thread has its own store (its own connection, as separate processes would), and
all start together; on PostgreSQL the losers of a number retry under READ COMMITTED.
"""

from __future__ import annotations

import threading

from stackctl.model import ArtifactRecord, NamedOutput

THREADS, EACH = 6, 8


def test_concurrent_runs_never_share_a_version(open_target):
    stores = [open_target() for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    got: dict[int, list[int]] = {}
    errors: list[BaseException] = []

    def publish(i: int) -> None:
        try:
            start.wait()
            for n in range(EACH):
                run = f"run-{i}-{n}"
                record = ArtifactRecord(run, "load", "output", "/a", "d", 1, "json", "list", run)
                (version,) = stores[i].record_versions([(NamedOutput("data"), record)])
                got.setdefault(i, []).append(version.version)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    numbers = sorted(v for versions in got.values() for v in versions)
    assert numbers == list(range(1, THREADS * EACH + 1))  # dense, no duplicates
    listed = stores[0].artifact_versions("data")
    assert [v.version for v in listed] == numbers
    assert len({v.run_id for v in listed}) == THREADS * EACH
    for versions in got.values():  # each run's own versions grow
        assert versions == sorted(versions)
