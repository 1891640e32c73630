"""One run's connection to Ray: a per-run local instance, or a running cluster.

``address: null`` starts a local Ray instance (``num_cpus``, a small object store, no
dashboard, its session files in a temporary folder) and shuts it down when the run
ends, Ctrl-C included. ``auto``, ``HOST:PORT`` or ``ray://HOST:PORT`` connect to a
cluster that someone else runs and leave it running. Ray allows one connection per
process: when this process is already connected (a step operator inside a ray run, or
a test session), that connection is used and left as it was.

Step lines travel back through a small actor (``LineBox``): each task puts its lines
there, the driver drains it while it waits, and hands them to ``stackctl.lines``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from stackctl.components.orchestrators import ray_startup
from stackctl.components.orchestrators.placement import placed
from stackctl.errors import StackctlError

#: Seconds between drains of the line box while the driver waits for tasks.
POLL_S = 0.1
#: The smallest object store ray accepts is 75 MB; steps exchange artifacts through the
#: artifact store, not ray's object store, so it only carries task arguments/results.
DEFAULT_OBJECT_STORE_MB = 100


def ray_module() -> Any:
    """ray, imported on first use (it takes seconds); typed loosely."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no prompt, no network call
    import ray

    return ray


class LineBox:
    """An actor holding the lines tasks shipped until the driver takes them."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def put(self, step: str, line: str) -> None:
        self.lines.append((step, line))

    def take(self) -> list[tuple[str, str]]:
        taken, self.lines = self.lines, []
        return taken


#: The box of the task running in this worker process (one task at a time per ray
#: worker): a process sink installed once keeps shipping to the current task's box.
_box: Any = None
#: the puts of the current task not yet known to have reached the box
_shipped: list[Any] = []


def _ship(step: str, line: str) -> None:
    if _box is not None:
        _shipped.append(_box.put.remote(step, line))


def run_task(fn: Callable[[Any], Any], task: Any, box: Any) -> Any:
    """Runs on a ray worker: ``fn(task)``, its lines shipped to ``box``."""
    global _box
    from stackctl import lines

    _box = box
    lines.install_process(_ship)
    ray = ray_module()
    try:
        return placed(fn(task), "ray", ray.util.get_node_ip_address())
    finally:
        # calls to an actor from two callers are not ordered: wait until this task's
        # lines are in the box, so the driver's last drain after the task finds them
        pending, _shipped[:] = list(_shipped), []
        with contextlib.suppress(Exception):  # a lost box loses lines, never the step
            ray.get(pending, timeout=5)


@contextmanager
def connected(config: Mapping[str, Any], error: type[StackctlError]) -> Iterator[Any]:
    """The ray module, connected as ``config`` says (see the module docstring)."""
    address = config.get("address") or None
    if address is None:
        # Ray binds its servers on every interface: keep token auth on (ray's default)
        # but with a token in the environment of this run's processes, not the
        # ~/.ray/auth_token file ray would write (stackctl writes only its own files).
        # Set before ray is imported: it reads its config once.
        os.environ.setdefault("RAY_AUTH_MODE", "token")
        os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
    ray = ray_module()
    if ray.is_initialized():
        yield ray
        return
    temp = None if address else tempfile.mkdtemp(prefix="stackctl-ray-")
    release: Callable[[], None] = _nothing
    try:
        try:
            with _signals_kept():
                if temp is None:
                    _init(ray, config, address, temp, error)
                else:  # a per-run instance: Ctrl-C kills it at once (ray_startup.py)
                    init = lambda: _init(ray, config, None, temp, error)  # noqa: E731
                    release = ray_startup.start(init, temp)
        except (KeyboardInterrupt, SystemExit):  # the instance was killed: exit now
            raise
        except BaseException:  # e.g. ray failed to start: stop what it started
            with contextlib.suppress(Exception):
                _stop_monitor(ray)
                ray.shutdown()
            raise
        try:
            yield ray
        finally:
            _stop_monitor(ray)
            ray.shutdown()
    finally:
        release()  # the start-up thread, after ray.shutdown: its processes die with it
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _nothing() -> None:
    """No start-up thread to release (a cluster, or this process was connected)."""


@contextmanager
def _signals_kept() -> Iterator[None]:
    """ray.init installs its own SIGTERM handler (a C++ stack dump, then exit 1): put
    the CLI's back, so SIGTERM cancels the run and exits 143 like on every stack."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            if handler is not None:
                signal.signal(sig, handler)


def _stop_monitor(ray: Any) -> None:
    """Kill the local instance's autoscaler monitor first: ``ray.shutdown`` gives it a
    graceful second it always uses (measured 1.0 of 1.4 s), which alone would break the
    2 s bound of a Ctrl-C. It holds nothing a run needs; the rest stops gracefully."""
    with contextlib.suppress(Exception):  # a private API: without it, shutdown is slower
        node = ray._private.worker._global_node
        for info in node.all_processes.get("monitor", []):
            info.process.kill()
            info.process.wait(1)


def _init(
    ray: Any,
    config: Mapping[str, Any],
    address: str | None,
    temp: str | None,
    error: type[StackctlError],
) -> None:
    common: dict[str, Any] = {
        "log_to_driver": False,  # step output comes back as lines (LineBox)
        "logging_level": logging.ERROR,  # ray's start-up chatter is not the run's output
        "include_dashboard": False,
    }
    if address is None:
        store_mb = int(config.get("object_store_mb") or DEFAULT_OBJECT_STORE_MB)
        ray.init(
            num_cpus=int(config.get("num_cpus") or 2),
            object_store_memory=store_mb * 1024 * 1024,
            _temp_dir=temp,
            **common,
        )
        return
    try:
        ray.init(address=address, **common)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        raise error(
            f"the ray cluster at {address} did not answer: {str(exc).splitlines()[0]}",
            hint="start it (`ray start --head`), fix `address` in the config, or set "
            "`address: null` to start a local ray instance per run",
        ) from None


def drain(box: Any) -> None:
    """Hand the lines waiting in ``box`` to the CLI's sink."""
    from stackctl import lines

    ray = ray_module()
    with contextlib.suppress(Exception):  # a lost box loses lines, never the run
        for step, line in ray.get(box.take.remote(), timeout=5):
            lines.emit(step, line)


def new_box(ray: Any) -> Any:
    """A line box for one run (no CPU: it must never wait for a step's slot)."""
    return ray.remote(num_cpus=0)(LineBox).remote()


def cancel(ray: Any, refs: list[Any]) -> None:
    """Stop tasks now: force kills their workers (a step ignores a polite cancel)."""
    for ref in refs:
        with contextlib.suppress(Exception):
            ray.cancel(ref, force=True)


def wait_one(ray: Any, refs: list[Any], box: Any) -> list[Any]:
    """Block until at least one of ``refs`` finished, draining lines meanwhile."""
    while True:
        done, _ = ray.wait(refs, num_returns=1, timeout=POLL_S)
        drain(box)
        if done:
            more, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
            return list(dict.fromkeys([*done, *more]))
