"""The run loop's write-behind thread: writes only while the loop is blocked."""

from __future__ import annotations

import threading
import time

from stackctl.runtime.flusher import Flusher


def _until(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


def test_a_blocked_loop_gets_its_buffer_written_from_the_thread() -> None:
    calls: list[str] = []
    with Flusher(lambda: calls.append(threading.current_thread().name), delay=0.02) as flusher:
        flusher.arm()
        assert _until(lambda: calls == ["run-flusher"])
        time.sleep(0.1)
        assert calls == ["run-flusher"]  # once per arming, not once per poll


def test_a_loop_that_wakes_in_time_writes_itself() -> None:
    calls: list[int] = []
    with Flusher(lambda: calls.append(1), delay=0.5) as flusher:
        for _ in range(20):
            flusher.arm()
            flusher.disarm()
        time.sleep(0.6)
    assert calls == []


def test_disarm_waits_for_a_write_under_way() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[str] = []

    def slow() -> None:
        started.set()
        release.wait(5)
        done.append("written")

    with Flusher(slow, delay=0.01) as flusher:
        flusher.arm()
        assert started.wait(5)
        threading.Timer(0.1, release.set).start()
        flusher.disarm()  # returns only once the write finished
        assert done == ["written"]


def test_a_failed_write_does_not_stop_the_thread() -> None:
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("database is locked")

    with Flusher(flaky, delay=0.01) as flusher:
        flusher.arm()
        assert _until(lambda: len(calls) == 1)
        flusher.arm()
        assert _until(lambda: len(calls) == 2)


def test_exit_stops_the_thread_and_a_never_armed_flusher_starts_none() -> None:
    with Flusher(lambda: None) as idle:
        pass
    assert idle._thread is None
    with Flusher(lambda: None, delay=0.01) as flusher:
        flusher.arm()
    assert flusher._thread is not None and not flusher._thread.is_alive()
