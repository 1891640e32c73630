"""How a hook's alert reads on Slack, Discord and in an email (goldens, fixed values)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from support.golden import check_golden

from stackctl.components.alerters.base import Alert
from stackctl.components.alerters.message import (
    discord_payload,
    email_message,
    plain_text,
    slack_payload,
)
from stackctl.runtime.hooks import HookContext, alert_of

DATA = Path(__file__).resolve().parents[3] / "data" / "alerts"
RUN = "0123456789abcdef0123456789abcdef"  # fixed: no ids in goldens

FAILED = HookContext(
    event="on_failure",
    run_id=RUN,
    pipeline="training",
    stack="prod",
    step="train",
    error_type="ValueError",
    error="accuracy <0.5> & falling",
    traceback='  File "pipelines/iris.py", line 12, in train\n'
    '    raise ValueError("accuracy <0.5> & falling")\n'
    "ValueError: accuracy <0.5> & falling",
)
SUCCEEDED = HookContext("on_success", RUN, "training", "prod")


def _json(payload: object) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def test_slack_failure_body() -> None:
    check_golden(DATA / "slack_failure.json", _json(slack_payload(alert_of(FAILED))))


def test_slack_success_body() -> None:
    check_golden(DATA / "slack_pipeline_success.json", _json(slack_payload(alert_of(SUCCEEDED))))


def test_discord_failure_body() -> None:
    body = discord_payload(alert_of(FAILED), username="stackctl")
    check_golden(DATA / "discord_failure.json", _json(body))


def test_email_failure_message() -> None:
    message = email_message(alert_of(FAILED), "ml@example.com", ["a@example.com", "b@example.com"])
    check_golden(DATA / "email_failure.txt", message.as_string())


def test_every_message_names_the_step_run_error_and_the_show_command() -> None:
    text = plain_text(alert_of(FAILED))
    for needle in ("train", RUN, "ValueError: accuracy", f"stackctl runs show {RUN}"):
        assert needle in text


def test_slack_escapes_its_control_characters() -> None:
    payload = slack_payload(alert_of(FAILED))
    assert "&lt;0.5&gt; &amp; falling" in json.dumps(payload)
    mrkdwn = [
        block["text"]["text"]
        for block in payload["blocks"]
        if block["type"] == "section" and "text" in block
    ]
    assert mrkdwn and all("<" not in text for text in mrkdwn)  # `<...>` would be a link


def test_discord_never_pings() -> None:
    body = discord_payload(Alert("@everyone the run failed"))
    assert body["allowed_mentions"] == {"parse": []}


@given(title=st.text(min_size=1, max_size=5000), text=st.text(max_size=10000))
def test_service_limits_hold_for_any_text(title: str, text: str) -> None:
    alert = Alert(title, "failure", text, (("k" * 300, "v" * 3000),), details=text, link=text)
    slack = slack_payload(alert)
    assert len(slack["text"]) <= 3000
    for block in slack["blocks"]:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000
    discord = discord_payload(alert)
    embed = discord["embeds"][0]
    assert len(discord["content"]) <= 2000
    assert len(embed["title"]) <= 256
    assert len(embed.get("description", "")) <= 4096
    assert all(len(f["value"]) <= 1024 and len(f["name"]) <= 256 for f in embed["fields"])
    assert len(embed.get("footer", {}).get("text", "")) <= 2048


@given(title=st.text(max_size=200))
def test_an_email_subject_is_one_line(title: str) -> None:
    message = email_message(Alert(title), "a@example.com", ["b@example.com"])
    assert "\n" not in str(message["Subject"]).replace("\n ", " ")
