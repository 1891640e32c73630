"""POSTing JSON to a webhook: standard library only, with a timeout and a bounded read.

A webhook URL is a credential (its path holds the token), so no message made here
contains it: errors name the host only.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from stackctl.components.alerters.base import AlerterError
from stackctl.frozen import frozen

TIMEOUT_S = 10.0
MAX_RESPONSE = 64 * 1024  # bytes of a response read: enough for any error body


@frozen
class Response:
    status: int
    body: str


def host_of(url: str) -> str:
    """The part of a webhook URL that is safe to show: scheme and host (and port)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}" + (f":{parts.port}" if parts.port else "")


def post_json(url: str, payload: Mapping[str, Any], timeout: float = TIMEOUT_S) -> Response:
    """POST ``payload`` as JSON; the answer whatever its status."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "stackctl"},
        method="POST",
    )
    return send(request, timeout)


def get(url: str, timeout: float = TIMEOUT_S) -> Response:
    """GET ``url`` (Discord answers a webhook's own URL with its description)."""
    return send(urllib.request.Request(url, headers={"User-Agent": "stackctl"}), timeout)


def send(request: urllib.request.Request, timeout: float) -> Response:
    """The answer to ``request`` whatever its status (AlerterError if none came)."""
    url = request.full_url
    if urlsplit(url).scheme not in ("http", "https"):
        raise AlerterError(
            f"webhook URL of {host_of(url)} is not http(s)",
            hint="set webhook_url to the https:// URL the service gave you",
        )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(answer.status, _read(answer))
    except urllib.error.HTTPError as exc:
        return Response(exc.code, _read(exc))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AlerterError(
            f"cannot reach the webhook at {host_of(url)}: {reason}",
            hint="check webhook_url and that this machine can reach the service",
        ) from None


def _read(answer: Any) -> str:
    try:
        data: bytes = answer.read(MAX_RESPONSE)
    except OSError:
        return ""
    return " ".join(data.decode("utf-8", "replace").split())[:200]


def check_status(service: str, url: str, response: Response) -> None:
    """AlerterError unless the service accepted the message (2xx)."""
    if 200 <= response.status < 300:
        return
    said = f": {response.body}" if response.body else ""
    raise AlerterError(
        f"the {service} webhook at {host_of(url)} answered HTTP {response.status}{said}",
        hint=f"check webhook_url (was the {service} webhook deleted or revoked?)",
    )
