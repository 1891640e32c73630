"""Sending an ``Alert`` through any alerter, built-in or plugin."""

from __future__ import annotations

from typing import Any

from stackctl.components.alerters.base import Alert
from stackctl.components.alerters.message import plain_text


def deliver(alerter: Any, alert: Alert) -> None:
    """Send ``alert`` with the richest method ``alerter`` has: ``post_alert`` (the
    built-ins lay the alert out per service), else ``post`` with its plain text."""
    rich = getattr(alerter, "post_alert", None)
    if callable(rich):
        rich(alert)
        return
    alerter.post(plain_text(alert))
