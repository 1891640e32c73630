"""The ``smtp`` alerter: a plain-text email through an SMTP server (stdlib smtplib).

``security`` is ``starttls`` (port 587, the default), ``ssl`` (implicit TLS, port 465)
or ``none`` (a relay on a trusted network, or a test server). apply and refresh open a
session (connect, EHLO, STARTTLS, LOGIN) and close it with QUIT, sending nothing; apply
fails when that fails, refresh reports drift only when the login is refused.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.alerters.base import Alert, AlerterError
from stackctl.components.alerters.message import email_message
from stackctl.components.provisioner import Observation
from stackctl.errors import ProvisionError

TIMEOUT_S = 10.0
PROBE_TIMEOUT_S = 3.0  # refresh runs before every run: never wait long


class LoginRefused(AlerterError):
    """The server answered but refused the credentials."""


class SmtpAlerter:
    """``host``, ``port``, ``security``, ``username``/``password`` (a secret), ``from``, ``to``."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.host: str = config["host"]
        self.security: str = config.get("security", "starttls")
        self.port = int(config.get("port") or (465 if self.security == "ssl" else 587))
        self.username: str | None = config.get("username") or None
        self.password: str | None = config.get("password") or None
        self.sender: str = config["from"]
        self.to: list[str] = list(config["to"])
        self.subject_prefix: str = config.get("subject_prefix", "[stackctl] ")
        self.timeout_s = float(config.get("timeout_s", TIMEOUT_S))

    def __repr__(self) -> str:  # no password in a repr
        return f"SmtpAlerter({self.name!r}, {self.host}:{self.port})"

    @contextmanager
    def session(self) -> Iterator[smtplib.SMTP]:
        """A logged-in SMTP session (AlerterError naming the server if it cannot be had)."""
        where = f"{self.host}:{self.port}"
        try:
            if self.security == "ssl":
                context = ssl.create_default_context()
                server: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout_s, context=context
                )
            else:
                server = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
            with server:
                if self.security == "starttls":
                    server.starttls(context=ssl.create_default_context())
                if self.username:
                    server.login(self.username, self.password or "")
                yield server
        except smtplib.SMTPAuthenticationError:
            raise LoginRefused(
                f"the SMTP server {where} refused the login of {self.username!r}",
                hint="check username and the password secret",
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise AlerterError(
                f"cannot send email through {where}: {type(exc).__name__}: {exc}",
                hint="check host, port and security (starttls, ssl or none)",
            ) from None

    def post_alert(self, alert: Alert) -> None:
        message = email_message(alert, self.sender, self.to, self.subject_prefix)
        with self.session() as server:
            server.send_message(message)

    def post(self, message: str) -> None:
        self.post_alert(Alert(title=message.splitlines()[0] if message else "", text=message))


class SmtpProvisioner:
    """Checks that the server answers and takes the login; records where mail goes."""

    def _outputs(self, config: Mapping[str, Any]) -> dict[str, Any]:
        alerter = SmtpAlerter("", config, Path())
        return {"server": f"{alerter.host}:{alerter.port}", "to": alerter.to}

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        try:
            with SmtpAlerter("", config, root).session() as server:
                server.noop()
        except AlerterError as exc:
            raise ProvisionError(exc.message, hint=exc.hint) from None
        return self._outputs(config)

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        """Drift when the server refuses the login (a revoked password); a server that
        does not answer is "cannot tell": every run refreshes its stack first, and an
        outage of the mail server must not block runs (the hook reports it)."""
        alerter = SmtpAlerter("", config, root)
        alerter.timeout_s = min(alerter.timeout_s, PROBE_TIMEOUT_S)
        try:
            with alerter.session() as server:
                server.noop()
        except LoginRefused as exc:
            return Observation(False, detail=exc.message)
        except AlerterError:
            pass
        return Observation(True, self._outputs(config))

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        """The mail server is not ours: nothing to remove."""


if TYPE_CHECKING:  # static proof that the classes satisfy the contracts
    from stackctl.components.alerters.base import Alerter
    from stackctl.components.provisioner import Provisioner

    _alerter: type[Alerter] = SmtpAlerter
    _provisioner: type[Provisioner] = SmtpProvisioner
