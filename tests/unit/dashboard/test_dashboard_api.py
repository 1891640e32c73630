"""The JSON API: every endpoint, filters, pagination, and 400/404 answers."""

from __future__ import annotations

import pytest
from dashboard_records import BIG_LOG_BYTES


def test_index_lists_endpoints(dash):
    body = dash.client.get("/api").json()
    assert body["read_only"] is True
    assert "/api/runs/{id}/steps/{step}/logs" in body["endpoints"]


def test_stacks(dash):
    stacks = {s["name"]: s for s in dash.client.get("/api/stacks").json()["stacks"]}
    assert set(stacks) == {"cloud", "default", "dev"}
    assert stacks["default"]["active"] is True and not stacks["dev"]["active"]
    assert stacks["dev"]["run_count"] == 2
    assert stacks["dev"]["last_run"]["id"] == "r2bbbbbbbbbb"  # newest first
    assert stacks["dev"]["applied"] is True and stacks["cloud"]["applied"] is False
    assert stacks["cloud"]["components"] == [
        {"type": "orchestrator", "name": "local", "flavor": "local"},
        {"type": "artifact_store", "name": "s3", "flavor": "s3"},
    ]
    assert stacks["cloud"]["run_count"] == 0 and stacks["cloud"]["last_run"] is None
    assert stacks["dev"]["location"] == "stacks/main.yaml:13:3"


def test_active_stack_follows_the_checkout_setting(dash, monkeypatch):
    monkeypatch.setenv("STACKCTL_STACK", "dev")
    stacks = {s["name"]: s for s in dash.client.get("/api/stacks").json()["stacks"]}
    assert stacks["dev"]["active"] and not stacks["default"]["active"]


def test_stack_detail(dash):
    body = dash.client.get("/api/stacks/cloud").json()
    store = body["components"][1]
    assert store["address"] == "artifact_store.s3"
    assert store["config"]["key"] == "(sensitive)"
    assert store["config"]["uri"] == "s3://bucket/prefix"
    assert store["location"] == "stacks/main.yaml:6:5"
    assert body["runs"] == []

    dev = dash.client.get("/api/stacks/dev").json()
    assert [r["id"] for r in dev["runs"]] == ["r2bbbbbbbbbb", "r1aaaaaaaaaa"]
    assert dev["runs"][1]["duration_s"] == 65.0
    assert dev["runs"][1]["pipeline"] == "training"


def test_stack_detail_paginates(dash):
    first = dash.client.get("/api/stacks/dev?limit=1").json()
    assert [r["id"] for r in first["runs"]] == ["r2bbbbbbbbbb"] and first["next_offset"] == 1
    second = dash.client.get("/api/stacks/dev?limit=1&offset=1").json()
    assert [r["id"] for r in second["runs"]] == ["r1aaaaaaaaaa"] and second["next_offset"] is None


def test_components_and_flavors(dash):
    components = dash.client.get("/api/components").json()["components"]
    by_address = {c["address"]: c for c in components}
    assert by_address["artifact_store.s3"]["used_by"] == ["cloud"]
    assert by_address["orchestrator.local"]["used_by"] == ["cloud", "dev"]
    flavors = dash.client.get("/api/flavors").json()["flavors"]
    assert {"orchestrator", "artifact_store"} <= {f["type"] for f in flavors}
    assert any(f["name"] == "dask" and f["extra"] == "dask" for f in flavors)


def test_pipelines(dash):
    (training,) = dash.client.get("/api/pipelines").json()["pipelines"]
    assert training["steps"] == ["load", "split", "train", "evaluate"]
    assert training["run_count"] == 3 and training["last_run"]["id"] == "r3cccccccccc"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["r3cccccccccc", "r2bbbbbbbbbb", "r1aaaaaaaaaa"]),
        ("?stack=dev", ["r2bbbbbbbbbb", "r1aaaaaaaaaa"]),
        ("?stack=nowhere", []),
        ("?pipeline=training&stack=default", ["r3cccccccccc"]),
        ("?status=completed", ["r1aaaaaaaaaa"]),
        ("?status=failed&stack=dev", []),
        ("?limit=2", ["r3cccccccccc", "r2bbbbbbbbbb"]),
        ("?limit=2&offset=2", ["r1aaaaaaaaaa"]),
        ("?offset=10", []),
    ],
)
def test_runs_filters(dash, query, expected):
    body = dash.client.get("/api/runs" + query).json()
    assert [r["id"] for r in body["runs"]] == expected


def test_runs_status_filter_paginates(dash):
    body = dash.client.get("/api/runs?status=running&limit=1").json()
    assert [r["id"] for r in body["runs"]] == ["r2bbbbbbbbbb"] and body["next_offset"] is None


@pytest.mark.parametrize(
    "query",
    [
        "?limit=0",
        "?limit=1001",
        "?limit=-1",
        "?limit=ten",
        "?offset=-5",
        "?offset=1.5",
        "?status=done",
        "?stack=../etc",
        "?pipeline=%3Cscript%3E",
    ],
)
def test_runs_bad_query_is_400(dash, query):
    response = dash.client.get("/api/runs" + query)
    assert response.status_code == 400
    assert response.json()["error"] == "Bad request"


def test_run_detail(dash):
    body = dash.client.get("/api/runs/r1aaaaaaaaaa").json()
    assert body["run"]["status"] == "completed" and body["run"]["live"] is False
    assert body["run"]["params"] == {"seed": 42}
    assert [s["step"] for s in body["steps"]] == ["load", "split", "train", "evaluate"]
    split = body["steps"][1]
    assert split["cached"] is True and split["caption"] == "cached \u00b7 0.01s"
    assert body["steps"][2]["artifacts"][0]["materializer"] == "pickle"
    assert {a["name"] for a in body["artifacts"]} == {"output"}
    edges = {(e["from"], e["to"]) for e in body["dag"]["edges"]}
    assert edges == {
        ("load", "split"),
        ("split", "train"),
        ("split", "evaluate"),
        ("train", "evaluate"),
    }
    xs = {n["step"]: n["x"] for n in body["dag"]["nodes"]}
    assert xs["load"] < xs["split"] < xs["train"] < xs["evaluate"]


def test_running_run_shows_pending_steps(dash):
    body = dash.client.get("/api/runs/r2bbbbbbbbbb").json()
    assert body["run"]["live"] is True
    statuses = {s["step"]: s["status"] for s in body["steps"]}
    assert statuses == {
        "load": "completed",
        "split": "running",
        "train": "pending",
        "evaluate": "pending",
    }


def test_run_by_unique_prefix(dash):
    assert dash.client.get("/api/runs/r1aa").json()["run"]["id"] == "r1aaaaaaaaaa"


def test_recorded_edges_win_over_the_declared_pipeline(dash):
    from stackctl.model import Run, RunStatus, StepRun

    dash.store.record_run(
        Run(
            "r9",
            "sdk_only",
            "dev",
            RunStatus.COMPLETED,
            "2025-01-01T00:00:00+00:00",
            extra={"edges": [["a", "b"]]},
        )
    )
    for name in ("a", "b"):
        dash.store.record_step(StepRun("r9", name, RunStatus.COMPLETED))
    body = dash.client.get("/api/runs/r9").json()
    assert [(e["from"], e["to"]) for e in body["dag"]["edges"]] == [("a", "b")]


@pytest.mark.parametrize(
    "path",
    [
        "/api/runs/nope",
        "/api/runs/r",  # ambiguous prefix
        "/api/runs/bad%20id",
        "/api/runs/r1aaaaaaaaaa/steps/nope",
        "/api/runs/r1aaaaaaaaaa/steps/.hidden",
        "/api/runs/r1aaaaaaaaaa/steps/a%2F..%2Fb",
        "/api/runs/nope/steps/load/logs",
        "/api/runs/nope/artifacts",
        "/api/stacks/nope",
        "/api/stacks/-bad",
        "/api/nothing/here",
        "/api/runs/r3cccccccccc/steps/load/logs/raw",  # no log recorded
    ],
)
def test_unknown_things_are_json_404(dash, path):
    response = dash.client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == 404


def test_step_and_artifacts(dash):
    step = dash.client.get("/api/runs/r1aaaaaaaaaa/steps/train").json()
    assert step["status"] == "completed" and step["duration"] == "1m 01s"
    assert step["artifacts"][0]["type"] == "sklearn.svm.SVC"
    arts = dash.client.get("/api/runs/r1aaaaaaaaaa/artifacts").json()
    assert {(a["step"], a["size"]) for a in arts["artifacts"]} == {("train", 2048), ("load", 512)}


def test_step_logs_are_truncated_with_a_link_to_the_raw_text(dash):
    body = dash.client.get("/api/runs/r1aaaaaaaaaa/steps/train/logs").json()
    assert body["truncated"] is True
    assert body["size"] > BIG_LOG_BYTES and len(body["text"]) == body["limit"]
    raw = dash.client.get(body["raw_url"])
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/plain")
    assert len(raw.content) == body["size"]
    assert raw.text.startswith(body["text"])


def test_small_log_is_whole(dash):
    body = dash.client.get("/api/runs/r1aaaaaaaaaa/steps/evaluate/logs").json()
    assert body == body | {"text": "accuracy 0.97\n", "truncated": False, "size": 14, "error": ""}


def test_missing_log_file_is_reported_not_raised(dash):
    (dash.root / ".stackctl/logs/evaluate.log").unlink()
    body = dash.client.get("/api/runs/r1aaaaaaaaaa/steps/evaluate/logs").json()
    assert body["text"] == "" and "cannot be read" in body["error"]
    assert dash.client.get(body["raw_url"]).status_code == 404


def test_applies_newest_first(dash):
    body = dash.client.get("/api/applies").json()
    assert [a["serial"] for a in body["applies"]] == [2, 1] and body["total"] == 2
    assert body["applies"][1]["who"] == "alice@laptop"
    assert body["applies"][1]["changes"][0]["address"] == "stack.dev"
    assert dash.client.get("/api/applies?limit=1&offset=1").json()["applies"][0]["serial"] == 1
    assert dash.client.get("/api/applies?limit=abc").status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writes_are_not_allowed(dash, method):
    response = getattr(dash.client, method)("/api/runs/r1aaaaaaaaaa")
    assert response.status_code == 405
    assert "read-only" in response.json()["hint"]


def test_edges_of_an_undeclared_pipeline_are_read_off_the_records(dash):
    from stackctl.model import ArtifactRecord, Run, RunStatus, StepRun

    dash.store.record_run(
        Run("r7", "sdk_script", "dev", RunStatus.COMPLETED, "2025-01-01T00:00:00+00:00")
    )
    dash.store.record_step(StepRun("r7", "fetch", RunStatus.COMPLETED, cache_parts={"source": "s"}))
    dash.store.record_step(
        StepRun("r7", "fit", RunStatus.COMPLETED, cache_parts={"source": "t", "input:data": "D1"})
    )
    dash.store.record_artifacts(
        [ArtifactRecord("r7", "fetch", "output", "/x", "D1", 3, "json", "builtins.list")]
    )
    body = dash.client.get("/api/runs/r7").json()
    assert [(e["from"], e["to"]) for e in body["dag"]["edges"]] == [("fetch", "fit")]


def test_a_run_whose_lease_expired_is_interrupted_and_not_live(dash):
    from dataclasses import replace

    from stackctl.runtime.heartbeat import beating

    run = dash.store.run("r2bbbbbbbbbb")
    stale = beating(replace(run, extra={"host": "elsewhere"}), "2000-01-01T00:00:00+00:00")
    dash.store.record_run(stale)
    body = dash.client.get("/api/runs/r2bbbbbbbbbb").json()
    assert body["run"]["status"] == "interrupted" and body["run"]["live"] is False
    statuses = {s["step"]: s["status"] for s in body["steps"]}
    assert statuses["split"] == "interrupted" and statuses["load"] == "completed"
    listed = dash.client.get("/api/runs?status=interrupted").json()["runs"]
    assert [r["id"] for r in listed] == ["r2bbbbbbbbbb"]
    running = dash.client.get("/api/runs?status=running").json()["runs"]
    assert "r2bbbbbbbbbb" not in [r["id"] for r in running]
    page = dash.client.get("/runs/r2bbbbbbbbbb").text
    assert "data-live-run" not in page  # the page stops polling
