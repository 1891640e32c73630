"""Does the ray cluster at an address answer? Asked by apply and drift.

A ray connection is one per process and slow to set up, so apply does not make one:
``HOST:PORT`` (the head's GCS port) and ``ray://HOST:PORT`` (the client server) are
checked with a TCP connect; ``auto`` (a cluster started on this machine) by a short
``ray.init(address="auto")`` in a child process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

from stackctl.errors import StackctlError

TIMEOUT_S = 10.0

_AUTO = "import ray, logging; ray.init(address='auto', logging_level=logging.ERROR); ray.shutdown()"


def probe(address: str, error: type[StackctlError], timeout: float = TIMEOUT_S) -> None:
    """``error`` naming the address when nothing answers there."""
    hint = (
        "start it (`ray start --head`), fix `address` in the config, or set "
        "`address: null` to start a local ray instance per run"
    )
    if address == "auto":
        try:
            done = subprocess.run(
                [sys.executable, "-c", _AUTO],
                capture_output=True,
                timeout=timeout,
                env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"},
            )
        except subprocess.TimeoutExpired:
            raise error(f"no ray cluster answered `auto` within {timeout:g}s", hint=hint) from None
        if done.returncode != 0:
            raise error("no ray cluster runs on this machine (address `auto`)", hint=hint)
        return
    url = urlsplit(address if "://" in address else f"tcp://{address}")
    host, port = url.hostname or "", url.port
    if not host or port is None:
        raise error(f"ray address {address!r} has no HOST:PORT", hint=hint)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise error(
            f"the ray cluster at {address} did not answer: {exc.strerror or exc}", hint=hint
        ) from None
