"""HTML pages: each URL renders the data it promises; errors are pages, not tracebacks."""

from __future__ import annotations

import re

import pytest


def text_of(html: str) -> str:
    """The page's visible text, tags removed and whitespace squeezed (for assertions)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_stacks_page(dash):
    response = dash.client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert 'href="/stacks/dev"' in html and 'href="/stacks/cloud"' in html
    row = html[html.index('href="/stacks/default"') :].split("</tr>")[0]
    assert "active" in row  # the default stack is the active one
    text = text_of(html)
    assert "artifact_store s3 s3" in text
    assert dash.client.get("/stacks", follow_redirects=False).headers["location"] == "/"


def test_stack_page(dash):
    html = dash.client.get("/stacks/dev").text
    text = text_of(html)
    assert "Stack dev" in text
    assert "stacks/main.yaml:13:3" in text  # where it is declared
    assert "stacks/main.yaml:5:5" in text  # where its artifact store is declared
    assert "path .stackctl/artifacts" in text
    # every run on the stack, newest first
    assert html.index("/runs/r2bbbbbbbbbb") < html.index("/runs/r1aaaaaaaaaa")
    assert "r3cccccccccc" not in html
    assert "1m 05s" in text


def test_stack_page_redacts_secrets(dash):
    text = text_of(dash.client.get("/stacks/cloud").text)
    assert "key (sensitive)" in text
    assert "secret:aws_key" not in text


def test_runs_page_filters(dash):
    html = dash.client.get("/runs?status=failed").text
    assert "r3cccccccccc" in html and "r1aaaaaaaaaa" not in html
    assert '<option value="failed" selected>' in html
    paged = dash.client.get("/runs?limit=1").text
    assert 'href="?limit=1&amp;offset=1"' in paged


def test_run_page(dash):
    html = dash.client.get("/runs/r1aaaaaaaaaa").text
    assert "<svg" in html and 'class="dag"' in html
    assert html.count('class="node"') == 4 and html.count('class="edge"') == 4
    assert 'data-step="split" data-status="cached"' in html
    assert 'data-step="train" data-status="completed"' in html
    text = text_of(html)
    assert "completed \u00b7 1m 01s" in text  # node caption with duration
    assert "cached \u00b7 0.01s" in text
    assert "2.0 KB \u00b7 pickle" in text  # artifact size and materializer
    # what `stackctl run` printed for each output: its preview, or (none recorded) its type
    assert "output DataFrame 150x5 [sepal_length, sepal_width, petal_length, ...] 512 B" in text
    assert "output SVC 2.0 KB" in text
    assert 'href="/runs/r1aaaaaaaaaa/steps/load"' in html
    assert "data-live-run" not in html  # finished: no polling
    # the stack snapshot the run used
    assert "artifact_store local" in text


def test_running_run_page_is_live(dash):
    html = dash.client.get("/runs/r2bbbbbbbbbb").text
    assert 'data-live-run="/api/runs/r2bbbbbbbbbb"' in html
    assert 'data-step="train" data-status="pending"' in html
    assert '<script src="/static/live.js" defer></script>' in html


def test_failed_run_shows_the_error(dash):
    text = text_of(dash.client.get("/runs/r3cccccccccc").text)
    assert "ValueError: no data" in text
    assert "skipped" in text


def test_run_prefix_redirects_to_the_stable_url(dash):
    response = dash.client.get("/runs/r1a", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/runs/r1aaaaaaaaaa"
    step = dash.client.get("/runs/r1a/steps/load", follow_redirects=False)
    assert step.headers["location"] == "/runs/r1aaaaaaaaaa/steps/load"


def test_step_page_with_logs(dash):
    html = dash.client.get("/runs/r1aaaaaaaaaa/steps/evaluate").text
    assert '<pre class="log" id="log">accuracy 0.97\n</pre>' in html
    assert "Full log" not in html


def test_step_page_truncates_big_logs(dash):
    html = dash.client.get("/runs/r1aaaaaaaaaa/steps/train").text
    assert "Showing the first 200.0 KB of" in html
    link = 'href="/api/runs/r1aaaaaaaaaa/steps/train/logs/raw"'
    assert link in html
    log = html[html.index('<pre class="log"') :]
    assert len(log) < 210 * 1024


def test_pipelines_components_applies_pages(dash):
    text = text_of(dash.client.get("/pipelines").text)
    assert "load \u2192 split \u2192 train \u2192 evaluate" in text
    components = text_of(dash.client.get("/components").text)
    assert "artifact_store s3" in components and "dask.distributed" in components
    applies = text_of(dash.client.get("/applies").text)
    assert "alice@laptop" in applies and "stack.dev create (new)" in applies


@pytest.mark.parametrize(
    "path",
    [
        "/stacks/nope",
        "/stacks/.hidden",
        "/runs/nope",
        "/runs/r",
        "/runs/%3Cscript%3E",
        "/runs/r1aaaaaaaaaa/steps/nope",
        "/no/such/page",
        "/static/nope.css",
    ],
)
def test_not_found_pages(dash, path):
    response = dash.client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text
    assert "Traceback" not in response.text


def test_bad_query_is_a_400_page(dash):
    response = dash.client.get("/runs?limit=0")
    assert response.status_code == 400 and "<h1>Bad request</h1>" in response.text


def test_broken_config_is_an_error_page_and_runs_still_render(dash):
    stack_file = dash.root / "stacks/main.yaml"
    stack_file.write_text(stack_file.read_text().replace("flavor: local}", "flavor: nope}", 1))
    response = dash.client.get("/")
    assert response.status_code == 500
    assert "Invalid configuration" in response.text and "stacks/main.yaml:" in response.text
    assert "Traceback" not in response.text
    assert dash.client.get("/runs/r1aaaaaaaaaa").status_code == 200


def test_config_edits_show_up_without_a_restart(dash):
    assert "extra" not in dash.client.get("/api/stacks").text
    stack_file = dash.root / "stacks/main.yaml"
    stack_file.write_text(
        stack_file.read_text() + "  extra: {orchestrator: local, artifact_store: local}\n"
    )
    names = [s["name"] for s in dash.client.get("/api/stacks").json()["stacks"]]
    assert "extra" in names


def test_static_assets_are_served(dash):
    css = dash.client.get("/static/dashboard.css")
    assert css.status_code == 200 and "svg.dag" in css.text
    js = dash.client.get("/static/live.js")
    assert js.status_code == 200 and "data-live-run" in js.text


def test_run_and_step_pages_show_where_a_step_ran(dash):
    from dataclasses import replace

    where = {"executor": "ray", "address": "192.0.2.2<b>", "pid": 16617}
    run = dash.store.run("r1aaaaaaaaaa")
    dash.store.record_run(replace(run, extra={**run.extra, "ran_on": {"evaluate": where}}))
    html = dash.client.get("/runs/r1aaaaaaaaaa").text
    assert "192.0.2.2&lt;b&gt;" in html and "192.0.2.2<b>" not in html  # escaped
    row = html[html.index('<tr data-step="evaluate"') :].split("</tr>")[0]
    assert "ran on ray 192.0.2.2&lt;b&gt; pid 16617" in text_of(row)
    train = html[html.index('<tr data-step="train"') :].split("</tr>")[0]
    assert "ran on" not in train  # ran in the run's own process: nothing to say
    step = dash.client.get("/runs/r1aaaaaaaaaa/steps/evaluate").text
    assert "ran on ray 192.0.2.2&lt;b&gt; pid 16617" in text_of(step)
    assert "ran on" not in dash.client.get("/runs/r1aaaaaaaaaa/steps/train").text
    api = dash.client.get("/api/runs/r1aaaaaaaaaa").json()
    assert api["run"]["extra"]["ran_on"] == {"evaluate": where}


def test_pages_without_or_with_a_malformed_ran_on_still_render(dash):
    from dataclasses import replace

    assert "ran on" not in dash.client.get("/runs/r1aaaaaaaaaa").text
    run = dash.store.run("r1aaaaaaaaaa")
    dash.store.record_run(replace(run, extra={"ran_on": {"load": "elsewhere", "train": {}}}))
    html = dash.client.get("/runs/r1aaaaaaaaaa").text
    assert "ran on elsewhere" in text_of(html) and "ran on ? ? pid ?" in text_of(html)
    dash.store.record_run(replace(run, extra={"ran_on": ["not", "a", "mapping"]}))
    page = dash.client.get("/runs/r1aaaaaaaaaa/steps/load")
    assert page.status_code == 200 and "ran on" not in page.text
