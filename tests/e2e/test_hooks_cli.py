"""Hooks and alerters through the real CLI: a failing step with `on_failure: alerter`
posts to a Slack webhook (a loopback receiver), the webhook URL is a secret that never
shows, and an unreachable webhook leaves the run's outcome exactly as without hooks."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from support.cli import STACKCTL, Result, call, clean_env
from support.golden import check_golden
from support.projects import write_files
from support.smtp import smtp_server
from werkzeug import Request, Response

DATA = Path(__file__).resolve().parents[1] / "data" / "hooks"
TOKEN = "/services/T0/B0/e2e-s3cr3t-token"

STACKS = """\
components:
  orchestrator:
    local: {flavor: local}
    pool: {flavor: local_parallel, config: {max_workers: 2}}
    cluster: {flavor: dask, config: {address: null, n_workers: 1, threads_per_worker: 2}}
  artifact_store:
    local: {flavor: local, config: {path: .stackctl/store}}
  alerter:
    ops: {flavor: slack, config: {webhook_url: "${secret:slack_webhook}", timeout_s: 5}}
stacks:
  dev: {orchestrator: local, artifact_store: local}
  alerted: {orchestrator: local, artifact_store: local, alerter: ops}
  pooled: {orchestrator: pool, artifact_store: local, alerter: ops}
  clustered: {orchestrator: cluster, artifact_store: local, alerter: ops}
"""

PIPELINES = """\
pipelines:
  hooked:
    on_failure: alerter
    steps:
      numbers: {function: "steps.tiny:numbers", on_success: "steps.tiny:noted"}
      explode: {function: "steps.tiny:explode", inputs: {xs: numbers.output},
                on_failure: [alerter, "steps.tiny:noted"]}
  plain:
    steps:
      numbers: {function: "steps.tiny:numbers"}
      explode: {function: "steps.tiny:explode", inputs: {xs: numbers.output}}
  fine:
    on_success: alerter
    steps:
      numbers: {function: "steps.tiny:numbers"}
      notify: {function: "stackctl.steps.alerter:send_alert",
               params: {message: "numbers are ready"}, inputs: {after: numbers.output}}
"""

STEPS = """\
def numbers() -> list[int]:
    return [1, 2]


def explode(xs: list[int]) -> list[int]:
    raise ValueError("kaboom in explode")


def noted(context) -> None:
    print(f"noted {context.event} of {context.step}")
"""


def _slack_like(request: Request) -> Response:
    # apply/refresh check with an empty body, which Slack refuses with no_text
    return Response("no_text", status=400) if request.data == b"{}" else Response("ok")


@pytest.fixture
def receiver(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request(TOKEN, method="POST").respond_with_handler(_slack_like)
    return httpserver


def _project(root: Path) -> Path:
    return write_files(
        root,
        {
            "stackctl.yaml": "project: hooks\ninclude: [stacks/*.yaml, pipelines/*.yaml]\n",
            "stacks/local.yaml": STACKS,
            "pipelines/p.yaml": PIPELINES,
            "steps/__init__.py": "",
            "steps/tiny.py": STEPS,
        },
    )


def _cli(root: Path, url: str, *args: str, code: int | None = 0) -> Result:
    env = {**clean_env(), "STACKCTL_SECRET_SLACK_WEBHOOK": url}
    result = call([STACKCTL, *args], cwd=root, env=env, code=code, timeout=120)
    assert "s3cr3t" not in result.out + result.err  # the webhook URL is a credential
    return result


def _alerts(server: HTTPServer) -> list[dict[str, object]]:
    return [json.loads(r.data) for r, _ in server.log if r.data != b"{}"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def applied(tmp_path: Path, receiver: HTTPServer) -> tuple[Path, str]:
    root = _project(tmp_path / "proj")
    url = receiver.url_for(TOKEN)
    _cli(root, url, "apply", "--auto-approve")
    return root, url


def _outcome(result: Result) -> tuple[int, str]:
    """Exit code and the error line (it names no run id)."""
    error = next(line for line in result.err.splitlines() if line.startswith("error:"))
    return result.code, error


@pytest.mark.parametrize("stack", ["alerted", "pooled", "clustered"])
def test_a_failing_step_alerts_and_the_outcome_is_the_one_without_hooks(
    applied: tuple[Path, str], receiver: HTTPServer, stack: str
) -> None:
    root, url = applied
    hooked = _cli(root, url, "run", "hooked", "--stack", stack, code=1)
    plain = _cli(root, url, "run", "plain", "--stack", stack, code=1)
    assert _outcome(hooked) == _outcome(plain)
    assert _outcome(hooked) == (1, "error: step 'explode' failed: ValueError: kaboom in explode")
    runs = _cli(root, url, "runs", "list", "--json").json()
    assert [r["status"] for r in runs] == ["failed", "failed"]
    run_id = runs[1]["id"]
    step_alert, pipeline_alert = _alerts(receiver)
    assert step_alert["text"] == ":red_circle: step 'explode' failed"
    body = json.dumps(step_alert)
    for needle in ("ValueError: kaboom in explode", run_id, f"stackctl runs show {run_id}"):
        assert needle in body
    assert pipeline_alert["text"] == ":red_circle: pipeline 'hooked' failed"
    logs = _cli(root, url, "runs", "logs", run_id, "explode").out
    assert "noted on_failure of explode" in logs


def test_an_unreachable_webhook_warns_and_changes_nothing(
    applied: tuple[Path, str], receiver: HTTPServer
) -> None:
    root, _ = applied
    closed = f"http://127.0.0.1:{_closed_port()}{TOKEN}"
    hooked = _cli(root, closed, "run", "hooked", "--stack", "alerted", code=1)
    plain = _cli(root, closed, "run", "plain", "--stack", "alerted", code=1)
    assert _outcome(hooked) == _outcome(plain)
    warning = "warning: hook on_failure (alerter) failed: AlerterError: cannot reach the webhook"
    assert f"explode | {warning} at http://127.0.0.1:" in hooked.err
    assert f"pipeline hooked | {warning}" in hooked.err
    run_id = _cli(root, closed, "runs", "list", "--json").json()[1]["id"]
    log = _cli(root, closed, "runs", "logs", run_id, "explode").out
    assert warning in log and "s3cr3t" not in log
    assert b"s3cr3t" not in (root / ".stackctl" / "state.db").read_bytes()


def test_success_hooks_and_the_alerter_step(
    applied: tuple[Path, str], receiver: HTTPServer
) -> None:
    root, url = applied
    result = _cli(root, url, "run", "fine", "--stack", "alerted")
    assert result.out.splitlines()[-1].endswith(": completed")
    step_message, pipeline_alert = _alerts(receiver)
    assert step_message["text"] == ":information_source: numbers are ready"
    assert pipeline_alert["text"] == ":large_green_circle: pipeline 'fine' succeeded"


def test_alerter_hooks_on_a_stack_without_one_are_refused(applied: tuple[Path, str]) -> None:
    root, url = applied
    result = _cli(root, url, "run", "hooked", "--stack", "dev", code=1)
    assert result.err.startswith(
        "pipelines/p.yaml:2:3: error: stack 'dev' has no alerter; add one or remove on_failure"
    )
    assert _cli(root, url, "runs", "list", "--json").json() == []  # refused before it ran


def test_validate_names_the_hook_whose_stack_has_no_alerter(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    (root / "pipelines" / "p.yaml").write_text(
        PIPELINES.replace("  hooked:\n", "  hooked:\n    stack: dev\n", 1)
    )
    result = _cli(root, "http://127.0.0.1:9/x", "validate", code=1)
    check_golden(DATA / "validate_no_alerter.txt", result.err)


def test_validate_refuses_a_hook_that_is_not_a_reference(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    (root / "pipelines" / "p.yaml").write_text(
        PIPELINES.replace("on_failure: alerter", "on_failure: slack", 1)
    )
    result = _cli(root, "http://127.0.0.1:9/x", "validate", code=1)
    assert result.err.startswith("pipelines/p.yaml:3:17: error: pipelines.hooked.on_failure: ")
    assert "'slack'" in result.err.splitlines()[0]


def test_email_through_smtp(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    with smtp_server() as box:
        stacks = STACKS.replace(
            'ops: {flavor: slack, config: {webhook_url: "${secret:slack_webhook}", timeout_s: 5}}',
            f"ops: {{flavor: smtp, config: {{host: {box.host}, port: {box.port}, "
            "security: none, from: ml@example.com, to: [team@example.com]}}",
        )
        (root / "stacks" / "local.yaml").write_text(stacks)
        _cli(root, "", "apply", "--auto-approve")
        _cli(root, "", "run", "hooked", "--stack", "alerted", code=1)
    subjects = [m["Subject"] for m in box.messages]
    assert subjects == ["[stackctl] step 'explode' failed", "[stackctl] pipeline 'hooked' failed"]
    assert "ValueError: kaboom in explode" in box.messages[0].get_payload()


SDK_SCRIPT = """\
import stackctl
from stackctl import pipeline, step


@step(on_failure=stackctl.hooks.alerter_failure_hook)
def explode() -> int:
    raise ValueError("sdk kaboom")


@pipeline(on_failure="alerter", stack="pooled")
def sdk_hooked() -> None:
    explode()


if __name__ == "__main__":
    sdk_hooked()
"""


def test_sdk_hooks_run_in_the_pool_worker(applied: tuple[Path, str], receiver: HTTPServer) -> None:
    import sys

    root, url = applied
    (root / "sdk_run.py").write_text(SDK_SCRIPT)
    env = {**clean_env(), "STACKCTL_SECRET_SLACK_WEBHOOK": url}
    result = call([sys.executable, "sdk_run.py"], cwd=root, env=env, code=1, timeout=120)
    assert "error: step 'explode' failed: ValueError: sdk kaboom" in result.err
    assert "s3cr3t" not in result.out + result.err
    step_alert, pipeline_alert = _alerts(receiver)
    assert step_alert["text"] == ":red_circle: step 'explode' failed"
    assert "ValueError: sdk kaboom" in json.dumps(step_alert)
    assert pipeline_alert["text"] == ":red_circle: pipeline 'sdk_hooked' failed"
