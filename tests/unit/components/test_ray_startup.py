"""ray_startup: the start runs in a thread, its errors come back, and an interrupt while
it runs kills every process named by the instance's temp folder (and their children)."""

from __future__ import annotations

import _thread
import subprocess
import threading
import time
from pathlib import Path

import pytest

from stackctl.components.orchestrators import ray_startup


def test_the_start_returns_and_its_error_is_raised_in_the_caller() -> None:
    ran: list[threading.Thread] = []
    release = ray_startup.start(lambda: ran.append(threading.current_thread()), "unused")
    assert ran[0].name == "stackctl-ray-start"
    assert ran[0].is_alive()  # ray's processes die with the thread that started them
    release()
    ran[0].join(10)
    assert not ran[0].is_alive()

    def broken() -> None:
        raise ValueError("ray did not start")

    with pytest.raises(ValueError, match="ray did not start"):
        ray_startup.start(broken, "unused")


def test_an_interrupt_while_it_starts_kills_the_instance(tmp_path: Path) -> None:
    temp = str(tmp_path / "stackctl-ray-unit")
    # a "head" naming the temp dir, with a child that does not (like a renamed worker)
    head = subprocess.Popen(["sh", "-c", "sleep 60 & wait", temp])
    started = threading.Event()

    def init() -> None:
        started.set()
        time.sleep(60)  # ray.init, not seeing signals

    def interrupt() -> None:
        started.wait(10)
        time.sleep(0.2)  # the child of the head exists by now
        _thread.interrupt_main()  # what Ctrl-C does to the main thread

    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        ray_startup.start(init, temp)
    assert head.wait(10) != 0  # killed, not finished
    assert ray_startup.processes_of(temp) == []  # the child went too
