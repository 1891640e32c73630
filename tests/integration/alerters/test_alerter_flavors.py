"""The slack, discord and smtp alerters against real receivers on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from support.smtp import smtp_server
from werkzeug import Request, Response

from stackctl.components.alerters.base import Alert, AlerterError
from stackctl.components.alerters.delivery import deliver
from stackctl.components.alerters.discord import DiscordAlerter, DiscordProvisioner
from stackctl.components.alerters.message import discord_payload, slack_payload
from stackctl.components.alerters.slack import SlackAlerter, WebhookProvisioner
from stackctl.components.alerters.smtp import SmtpAlerter, SmtpProvisioner
from stackctl.errors import ProvisionError

ALERT = Alert("step 'train' failed", "failure", "ValueError: bad", (("run", "r1"),), link="x")
TOKEN = "/services/T0/B0/s3cr3t-token"


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends


def test_slack_posts_its_documented_json(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_oneshot_request(TOKEN, method="POST").respond_with_data("ok")
    alerter = SlackAlerter("ops", {"webhook_url": httpserver.url_for(TOKEN)}, tmp_path)
    deliver(alerter, ALERT)
    ((request, _),) = httpserver.log
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.data) == slack_payload(ALERT)
    assert "s3cr3t" not in repr(alerter)


def test_discord_posts_its_documented_json(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_oneshot_request("/api/webhooks/1/tok", method="POST").respond_with_data(
        "", status=204
    )
    url = httpserver.url_for("/api/webhooks/1/tok")
    DiscordAlerter("ops", {"webhook_url": url, "username": "ml"}, tmp_path).post_alert(ALERT)
    ((request, _),) = httpserver.log
    assert json.loads(request.data) == discord_payload(ALERT, "ml")


def test_a_refused_message_is_an_error_without_the_url(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request(TOKEN).respond_with_data("no_service", status=404)
    alerter = SlackAlerter("ops", {"webhook_url": httpserver.url_for(TOKEN)}, tmp_path)
    with pytest.raises(AlerterError) as caught:
        alerter.post("hello")
    assert "answered HTTP 404: no_service" in caught.value.message
    assert "s3cr3t" not in str(caught.value)


def test_an_unreachable_webhook_is_an_error_without_the_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}{TOKEN}"
    with pytest.raises(AlerterError) as caught:
        SlackAlerter("ops", {"webhook_url": url, "timeout_s": 2}, tmp_path).post("hello")
    assert "cannot reach the webhook at http://127.0.0.1:" in caught.value.message
    assert "s3cr3t" not in str(caught.value)


def test_the_response_read_is_bounded(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(TOKEN).respond_with_data("x" * 5_000_000, status=500)
    alerter = SlackAlerter("ops", {"webhook_url": httpserver.url_for(TOKEN)}, tmp_path)
    with pytest.raises(AlerterError) as caught:
        alerter.post("hello")
    assert len(caught.value.message) < 400


def _slack_like(request: Request) -> Response:
    # Slack's answers: an empty body is refused with no_text and posts nothing
    if json.loads(request.data or b"{}") == {}:
        return Response("no_text", status=400)
    return Response("ok")


def test_slack_provisioner_checks_without_posting(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(TOKEN).respond_with_handler(_slack_like)
    config = {"webhook_url": httpserver.url_for(TOKEN)}
    outputs = WebhookProvisioner().create(config, tmp_path)
    assert outputs == {"webhook_host": f"http://127.0.0.1:{httpserver.port}"}
    assert WebhookProvisioner().observe(config, tmp_path).exists
    assert [json.loads(r.data) for r, _ in httpserver.log] == [{}, {}]


def test_a_deleted_slack_webhook_is_drift(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(TOKEN).respond_with_data("no_service", status=404)
    seen = WebhookProvisioner().observe({"webhook_url": httpserver.url_for(TOKEN)}, tmp_path)
    assert not seen.exists
    assert (
        seen.detail == f"the Slack webhook at http://127.0.0.1:{httpserver.port} is gone (HTTP 404)"
    )
    with pytest.raises(ProvisionError):
        WebhookProvisioner().create({"webhook_url": httpserver.url_for(TOKEN)}, tmp_path)


def test_a_deleted_discord_webhook_is_drift(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/api/webhooks/1/tok", method="GET").respond_with_json(
        {"message": "Unknown Webhook", "code": 10015}, status=404
    )
    seen = DiscordProvisioner().observe(
        {"webhook_url": httpserver.url_for("/api/webhooks/1/tok")}, tmp_path
    )
    assert not seen.exists and "is gone (HTTP 404)" in seen.detail


def test_an_unreachable_webhook_fails_apply_but_not_refresh(tmp_path: Path) -> None:
    config = {"webhook_url": f"http://127.0.0.1:{_closed_port()}{TOKEN}"}
    with pytest.raises(ProvisionError):
        WebhookProvisioner().create(config, tmp_path)
    assert WebhookProvisioner().observe(config, tmp_path).exists  # cannot tell: runs go on


def test_smtp_sends_the_email(tmp_path: Path) -> None:
    with smtp_server() as box:
        config = {
            "host": box.host,
            "port": box.port,
            "security": "none",
            "from": "ml@example.com",
            "to": ["a@example.com", "b@example.com"],
        }
        deliver(SmtpAlerter("mail", config, tmp_path), ALERT)
        assert SmtpProvisioner().create(config, tmp_path) == {
            "server": f"{box.host}:{box.port}",
            "to": ["a@example.com", "b@example.com"],
        }
    (message,) = box.messages
    assert message["Subject"] == "[stackctl] step 'train' failed"
    assert message["To"] == "a@example.com, b@example.com"
    assert "ValueError: bad" in message.get_payload()
    assert box.recipients == [["a@example.com", "b@example.com"]]


def test_smtp_login_and_a_revoked_password_is_drift(tmp_path: Path) -> None:
    with smtp_server(login=("ml", "right")) as box:
        config = {
            "host": box.host,
            "port": box.port,
            "security": "none",
            "username": "ml",
            "password": "right",
            "from": "ml@example.com",
            "to": ["a@example.com"],
        }
        SmtpAlerter("mail", config, tmp_path).post("hello")
        assert SmtpProvisioner().observe(config, tmp_path).exists
        wrong = {**config, "password": "wrong"}
        seen = SmtpProvisioner().observe(wrong, tmp_path)
        assert not seen.exists and "refused the login of 'ml'" in seen.detail
        with pytest.raises(AlerterError) as caught:
            SmtpAlerter("mail", wrong, tmp_path).post("hello")
        assert "wrong" not in str(caught.value)
    assert len(box.messages) == 1


def test_an_unreachable_smtp_server(tmp_path: Path) -> None:
    config = {"host": "127.0.0.1", "port": _closed_port(), "security": "none",
              "from": "a@example.com", "to": ["b@example.com"]}  # fmt: skip
    with pytest.raises(ProvisionError, match="cannot send email through 127.0.0.1:"):
        SmtpProvisioner().create(config, tmp_path)
    assert SmtpProvisioner().observe(config, tmp_path).exists
