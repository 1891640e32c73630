"""The ``discord`` alerter: a Discord channel webhook
(https://discord.com/developers/docs/resources/webhook#execute-webhook).

apply and refresh check the webhook with a GET on its own URL, which Discord answers
with the webhook's description and posts nothing; a deleted webhook answers 401/404,
which refresh reports as drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.alerters.base import Alert
from stackctl.components.alerters.message import discord_payload
from stackctl.components.alerters.slack import SlackAlerter, WebhookProvisioner
from stackctl.components.alerters.webhook import get as http_get
from stackctl.components.alerters.webhook import host_of


class DiscordAlerter(SlackAlerter):
    """``webhook_url`` (a secret), ``username`` (shown as the sender) and ``timeout_s``."""

    service = "Discord"

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        super().__init__(name, config, root)
        self.username: str | None = config.get("username") or None

    def payload(self, alert: Alert) -> dict[str, Any]:
        return discord_payload(alert, self.username)


class DiscordProvisioner(WebhookProvisioner):
    def probe(self, url: str, timeout: float) -> tuple[bool, str]:
        response = http_get(url, timeout)
        if response.status in (401, 403, 404, 410):
            return False, f"the Discord webhook at {host_of(url)} is gone (HTTP {response.status})"
        return True, ""


if TYPE_CHECKING:  # static proof that the classes satisfy the contracts
    from stackctl.components.alerters.base import Alerter
    from stackctl.components.provisioner import Provisioner

    _alerter: type[Alerter] = DiscordAlerter
    _provisioner: type[Provisioner] = DiscordProvisioner
