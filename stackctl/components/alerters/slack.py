"""The ``slack`` alerter: a Slack incoming webhook (https://api.slack.com/messaging/webhooks).

apply and refresh check the webhook without posting anything: an empty JSON body is
refused by a live webhook with HTTP 400 ``no_text`` (nothing reaches the channel), while
a deleted or revoked one answers 403/404/410 (``no_service``, ``invalid_token``), which
refresh reports as drift. An unreachable service fails apply but not refresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.alerters.base import Alert, AlerterError
from stackctl.components.alerters.message import slack_payload
from stackctl.components.alerters.webhook import TIMEOUT_S, check_status, host_of, post_json
from stackctl.components.provisioner import Observation
from stackctl.errors import ProvisionError

_GONE = (403, 404, 410)
#: Seconds refresh (run before every run) waits for the service.
PROBE_TIMEOUT_S = 3.0


class SlackAlerter:
    """``webhook_url`` (a secret) and ``timeout_s``."""

    service = "Slack"

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.webhook_url: str = config["webhook_url"]
        self.timeout_s = float(config.get("timeout_s", TIMEOUT_S))

    def __repr__(self) -> str:  # the URL is a credential: never in a repr or a log
        return f"{type(self).__name__}({self.name!r}, {host_of(self.webhook_url)})"

    def payload(self, alert: Alert) -> dict[str, Any]:
        return slack_payload(alert)

    def post_alert(self, alert: Alert) -> None:
        response = post_json(self.webhook_url, self.payload(alert), self.timeout_s)
        check_status(self.service, self.webhook_url, response)

    def post(self, message: str) -> None:
        self.post_alert(Alert(title=message.splitlines()[0] if message else "", text=message))


class WebhookProvisioner:
    """Checks the webhook at apply and refresh; records only its (token-free) host."""

    def probe(self, url: str, timeout: float) -> tuple[bool, str]:
        """(exists, detail) of the Slack webhook at ``url``, posting nothing."""
        response = post_json(url, {}, timeout)
        if response.status in _GONE:
            return False, f"the Slack webhook at {host_of(url)} is gone (HTTP {response.status})"
        return True, ""

    def _outputs(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return {"webhook_host": host_of(str(config["webhook_url"]))}

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        url, timeout = str(config["webhook_url"]), float(config.get("timeout_s", TIMEOUT_S))
        try:
            exists, detail = self.probe(url, timeout)
        except AlerterError as exc:
            raise ProvisionError(exc.message, hint=exc.hint) from None
        if not exists:
            raise ProvisionError(detail, hint="create a new webhook and update the secret")
        return self._outputs(config)

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        """Drift only when the service says the webhook is gone. Every run refreshes its
        stack first, so an unreachable service must not block runs (the alert itself
        then fails loudly in the hook): it counts as "cannot tell", and the probe waits
        at most PROBE_TIMEOUT_S."""
        url = str(config["webhook_url"])
        timeout = min(float(config.get("timeout_s", TIMEOUT_S)), PROBE_TIMEOUT_S)
        try:
            exists, detail = self.probe(url, timeout)
        except AlerterError:
            exists, detail = True, ""
        return Observation(exists, self._outputs(config), detail)

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        """The webhook belongs to the Slack workspace: never removed."""


if TYPE_CHECKING:  # static proof that the classes satisfy the contracts
    from stackctl.components.alerters.base import Alerter
    from stackctl.components.provisioner import Provisioner

    _alerter: type[Alerter] = SlackAlerter
    _provisioner: type[Provisioner] = WebhookProvisioner
