"""Safety: markup in logs and config is text everywhere, secrets never show, nothing writes."""

from __future__ import annotations

import json

import pytest
from dashboard_records import SCRIPT_CFG, SCRIPT_LOG, write_project

ESCAPED_LOG = "&lt;script&gt;alert(&#39;log&#39;)&lt;/script&gt;"
ESCAPED_CFG = "&lt;script&gt;alert(&#39;cfg&#39;)&lt;/script&gt;"


def test_log_markup_is_escaped_in_html(dash):
    html = dash.client.get("/runs/r1aaaaaaaaaa/steps/load").text
    assert ESCAPED_LOG in html
    assert SCRIPT_LOG not in html


def test_config_markup_is_escaped_in_html(dash):
    for path in ("/stacks/cloud", "/components", "/applies"):
        html = dash.client.get(path).text
        assert ESCAPED_CFG in html, path
        assert SCRIPT_CFG not in html, path


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        ("/api/runs/r1aaaaaaaaaa/steps/load/logs", SCRIPT_LOG),
        ("/api/stacks/cloud", SCRIPT_CFG),
        ("/api/components", SCRIPT_CFG),
    ],
)
def test_markup_is_inert_in_json(dash, path, secret):
    response = dash.client.get(path)
    assert response.headers["content-type"].startswith("application/json")
    assert "<script" not in response.text  # escaped as \u003c in the body ...
    assert secret in json.dumps(response.json())  # ... and the same text once decoded


def test_raw_log_is_plain_text_never_html(dash):
    response = dash.client.get("/api/runs/r1aaaaaaaaaa/steps/load/logs/raw")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert SCRIPT_LOG in response.text


def test_security_headers_on_every_response(dash):
    for path in ("/", "/api/stacks", "/runs/nope", "/static/live.js"):
        headers = dash.client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"


def test_no_inline_scripts_or_styles(dash):
    # The CSP forbids inline code; pages must not need any.
    for path in ("/", "/stacks/dev", "/runs/r2bbbbbbbbbb", "/runs/r1aaaaaaaaaa/steps/load"):
        html = dash.client.get(path).text
        assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_secrets_never_reach_a_page_or_the_api(dash):
    from stackctl.model import Run, RunStatus

    # a snapshot written by a careless writer still comes out redacted
    dash.store.record_run(
        Run(
            "r8",
            "training",
            "cloud",
            RunStatus.COMPLETED,
            "2025-01-01T00:00:00+00:00",
            stack_snapshot={
                "components": {
                    "artifact_store": {
                        "name": "s3",
                        "flavor": "s3",
                        "config": {"key": "${secret:aws_key}"},
                    }
                }
            },
        )
    )
    for path in ("/stacks/cloud", "/components", "/runs/r8", "/api/stacks/cloud", "/api/runs/r8"):
        body = dash.client.get(path).text
        assert "secret:aws_key" not in body, path
        assert "(sensitive)" in body, path


def test_host_header_is_checked_when_serving(tmp_path):
    from starlette.testclient import TestClient

    from stackctl.dashboard.app import create_app
    from stackctl.dashboard.serve import allowed_hosts
    from stackctl.dashboard.source import Source
    from stackctl.project import Project
    from stackctl.state.memory import MemoryStateStore

    write_project(tmp_path)
    app = create_app(
        Source(Project(tmp_path), MemoryStateStore()), allowed_hosts=allowed_hosts("127.0.0.1")
    )
    good = TestClient(app, base_url="http://127.0.0.1:8237")
    assert good.get("/api/stacks").status_code == 200
    evil = TestClient(app, base_url="http://attacker.example:8237")
    assert evil.get("/api/stacks").status_code == 400
    assert allowed_hosts("0.0.0.0") == ["*"]


def test_browsing_never_writes_state(dash):
    before = dash.store.export_dump()
    for path in (
        "/",
        "/stacks/dev",
        "/runs",
        "/runs/r1aaaaaaaaaa",
        "/runs/r1aaaaaaaaaa/steps/train",
        "/pipelines",
        "/components",
        "/applies",
        "/api/runs",
        "/api/applies",
    ):
        assert dash.client.get(path).status_code == 200
    assert dash.store.export_dump() == before
    assert dash.store.lock_info() is None


def test_a_missing_sqlite_state_is_not_created(tmp_path):
    from starlette.testclient import TestClient

    from stackctl.dashboard.app import create_app
    from stackctl.dashboard.source import Source
    from stackctl.project import Project

    write_project(tmp_path)
    with TestClient(create_app(Source(Project(tmp_path)))) as client:
        assert client.get("/api/runs").json()["runs"] == []
        assert client.get("/").status_code == 200
        assert client.get("/api/runs/abc").status_code == 404
    assert not (tmp_path / ".stackctl" / "state.db").exists()


def test_an_existing_sqlite_state_is_read(tmp_path):
    from starlette.testclient import TestClient

    from stackctl.dashboard.app import create_app
    from stackctl.dashboard.source import Source
    from stackctl.model import Run, RunStatus
    from stackctl.project import Project
    from stackctl.state.sqlite import SqliteStateStore

    write_project(tmp_path)
    writer = SqliteStateStore(tmp_path / ".stackctl" / "state.db")
    writer.record_run(
        Run("sq1", "training", "dev", RunStatus.COMPLETED, "2025-01-01T00:00:00+00:00")
    )
    source = Source(Project(tmp_path))
    with TestClient(create_app(source)) as client:
        assert [r["id"] for r in client.get("/api/runs").json()["runs"]] == ["sq1"]
        # a run recorded while the dashboard is open shows up on the next request
        writer.record_run(
            Run("sq2", "training", "dev", RunStatus.RUNNING, "2025-01-02T00:00:00+00:00")
        )
        assert client.get("/api/runs/sq2").json()["run"]["live"] is True
    source.close()
    writer.close()
