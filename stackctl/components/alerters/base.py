"""The alerter contract (the ``slack``, ``discord`` and ``smtp`` flavors implement it).

Constructed as ``Cls(name, config, root)`` with secrets resolved; instances must be
picklable because step hooks run in the orchestrator's worker. The minimal contract is
``post(message)`` (so a plugin alerter written for docs/plugins.md works with hooks);
a flavor that can lay out a structured message defines ``post_alert(alert)`` as well,
and ``delivery.deliver`` prefers it.
"""

from __future__ import annotations

from typing import Literal, Protocol

from stackctl.errors import StackctlError
from stackctl.frozen import frozen

Status = Literal["failure", "success", "info"]


@frozen
class Alert:
    """One message, independent of where it goes (components/alerters/message.py lays it out)."""

    title: str  # one line: "step 'train' failed"
    status: Status = "info"
    text: str = ""  # free text: the error line, or the user's message
    fields: tuple[tuple[str, str], ...] = ()  # ("pipeline", "training"), ("run", ...)
    details: str = ""  # the traceback tail of a failure
    link: str = ""  # the command (or URL) that shows the run: `stackctl runs show RUN`


class AlerterError(StackctlError):
    """An alerter could not deliver a message (the hook that sent it reports it)."""


class Alerter(Protocol):
    """Delivers a message to people."""

    name: str

    def post(self, message: str) -> None:
        """Send a plain-text message (raise on failure; never put a secret in the error)."""
        ...
