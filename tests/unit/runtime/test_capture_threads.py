"""Step output capture is per thread: concurrent steps in one dask worker keep their logs."""

from __future__ import annotations

import io
import logging
import sys
import threading

from stackctl.runtime.capture import captured


def test_concurrent_captures_keep_their_own_output_and_restore_the_streams():
    before = (sys.stdout, sys.stderr)
    logs = {name: io.StringIO() for name in ("a", "b", "c")}
    inside = threading.Barrier(3)  # all three capture at the same time

    def step(name: str) -> None:
        with captured(logs[name]):
            inside.wait(timeout=10)
            print(f"out {name}")
            print(f"err {name}", file=sys.stderr)
            logging.getLogger("steps").warning("log %s", name)
            inside.wait(timeout=10)

    threads = [threading.Thread(target=step, args=(n,)) for n in logs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, log in logs.items():
        text = log.getvalue()
        assert f"out {name}\n" in text and f"err {name}\n" in text
        assert f"WARNING steps: log {name}" in text
        assert not any(f" {other}" in text for other in logs if other != name), text
    assert (sys.stdout, sys.stderr) == before


def test_output_outside_a_step_is_not_captured(capsys):
    log = io.StringIO()
    started, release = threading.Event(), threading.Event()

    def step() -> None:
        with captured(log):
            started.set()
            release.wait(timeout=10)

    worker = threading.Thread(target=step)
    worker.start()
    started.wait(timeout=10)
    print("main thread")  # while a step captures in another thread
    release.set()
    worker.join()
    assert log.getvalue() == ""
    assert capsys.readouterr().out == "main thread\n"
