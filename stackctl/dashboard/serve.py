"""Serving the dashboard with uvicorn: in the foreground (the CLI) or in a thread (tests).

The socket is bound here, before uvicorn starts, so a busy port is a StackctlError with
a hint instead of a uvicorn log line, and port 0 picks a free port for tests.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stackctl.dashboard.app import create_app
from stackctl.dashboard.source import ReadStore, Source
from stackctl.errors import StackctlError
from stackctl.project import Project

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> Sequence[str]:
    """Host headers to accept: on loopback only local names, so a web page elsewhere
    cannot read the dashboard through DNS rebinding; on other addresses, any."""
    if is_loopback(host):
        return ["127.0.0.1", "localhost", host]
    return ["*"]


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port); StackctlError when the address is unusable."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, _, _, _, address = infos[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise StackctlError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="pick another port with --port N (0 picks a free one)",
        ) from None
    return sock


def url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _server(source: Source, host: str, log_level: str) -> Any:
    import uvicorn

    app = create_app(source, allowed_hosts=allowed_hosts(host))
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off")
    return uvicorn.Server(config)


def run(project: Project, sock: socket.socket, *, open_browser: bool = False) -> None:
    """Serve until Ctrl+C, then return (uvicorn shuts down cleanly on the signal)."""
    server = _server(Source(project), sock.getsockname()[0], "warning")
    if open_browser:
        import webbrowser

        # The socket already listens, so the browser's request waits in the backlog.
        threading.Thread(target=webbrowser.open, args=(url(sock),), daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl+C after a clean shutdown; stopping is the normal end
    finally:
        server.config.app.state.source.close()


@dataclass
class Running:
    """A dashboard serving from a background thread (tests, screenshots)."""

    url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_in_thread(
    project: Project, store: ReadStore | None = None, host: str = "127.0.0.1", port: int = 0
) -> Running:
    """Serve on a free loopback port in a daemon thread; returns once it accepts requests."""
    sock = bind(host, port)
    server = _server(Source(project, store), host, "error")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        threading.Event().wait(0.01)
    else:
        raise StackctlError("the dashboard did not start within 5 s")
    return Running(url(sock), server, thread)
