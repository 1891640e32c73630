"""How one ``Alert`` reads on each service: Slack blocks, a Discord embed, an email.

One module for every layout so the messages stay alike (and one golden file each shows
them). Each service's documented limits are applied here: Slack header 150 characters,
section text 3000, 10 fields of 2000; Discord content 2000, embed title 256, description
4096, field value 1024, footer 2048. Text that is too long is cut with a marker rather
than rejected by the service (a failure alert that bounces is worse than a short one).
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from stackctl.components.alerters.base import Alert

_EMOJI = {
    "failure": ":red_circle:",
    "success": ":large_green_circle:",
    "info": ":information_source:",
}
_COLOR = {"failure": 0xD73A49, "success": 0x28A745, "info": 0x0366D6}  # Discord embed colours


def cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters (an ellipsis marks a cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_text(alert: Alert) -> str:
    """The alert as plain text: the email body, Slack's fallback, Discord's content."""
    parts = [alert.title]
    if alert.text and alert.text != alert.title:
        parts.append(alert.text)
    if alert.fields:
        parts.append("\n".join(f"{key}: {value}" for key, value in alert.fields))
    if alert.details:
        parts.append(alert.details)
    if alert.link:
        parts.append(f"details: {alert.link}")
    return "\n\n".join(parts)


def _mrkdwn(text: str) -> str:
    # Slack's only escapes: & < > (https://api.slack.com/reference/surfaces/formatting)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(alert: Alert) -> dict[str, Any]:
    """An incoming-webhook body: ``text`` (notifications, fallback) plus Block Kit blocks."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(alert.title, 150)}}
    ]
    if alert.text and alert.text != alert.title:
        section = {"type": "mrkdwn", "text": cut(_mrkdwn(alert.text), 3000)}
        blocks.append({"type": "section", "text": section})
    if alert.fields:
        fields = [
            {"type": "mrkdwn", "text": cut(f"*{_mrkdwn(key)}*\n{_mrkdwn(value)}", 2000)}
            for key, value in alert.fields[:10]
        ]
        blocks.append({"type": "section", "fields": fields})
    if alert.details:
        code = "```" + cut(_mrkdwn(alert.details), 2990) + "```"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": code}})
    if alert.link:
        link = {"type": "mrkdwn", "text": f"details: `{_mrkdwn(alert.link)}`"}
        blocks.append({"type": "context", "elements": [link]})
    text = f"{_EMOJI[alert.status]} {_mrkdwn(alert.title)}"
    return {"text": cut(text, 3000), "blocks": blocks}


def discord_payload(alert: Alert, username: str | None = None) -> dict[str, Any]:
    """An execute-webhook body: ``content`` plus one embed; mentions are never parsed,
    so an error text holding ``@everyone`` cannot ping a whole server."""
    embed: dict[str, Any] = {"title": cut(alert.title, 256), "color": _COLOR[alert.status]}
    description = "\n\n".join(
        part
        for part in (
            alert.text if alert.text != alert.title else "",
            f"```\n{alert.details}\n```" if alert.details else "",
        )
        if part
    )
    if description:
        embed["description"] = cut(description, 4096)
    if alert.fields:
        embed["fields"] = [
            {"name": cut(key, 256), "value": cut(value or "-", 1024), "inline": True}
            for key, value in alert.fields[:25]
        ]
    if alert.link:
        embed["footer"] = {"text": cut(f"details: {alert.link}", 2048)}
    payload: dict[str, Any] = {
        "content": cut(alert.title, 2000),
        "embeds": [embed],
        "allowed_mentions": {"parse": []},
    }
    if username:
        payload["username"] = cut(username, 80)
    return payload


def email_message(
    alert: Alert, sender: str, to: list[str], subject_prefix: str = "[stackctl] "
) -> EmailMessage:
    """A plain-text email (RFC 5322 headers made by the standard library)."""
    message = EmailMessage()
    # a subject is one line: a multi-line title would be a header injection
    message["Subject"] = subject_prefix + " ".join(alert.title.split())
    message["From"] = sender
    message["To"] = ", ".join(to)
    message.set_content(plain_text(alert) + "\n")
    return message
