"""`latest` wherever a run id is taken (runs show/logs/explain-cache, artifacts
list/get, the SDK client), next to unique prefixes and the ambiguous-prefix error."""

from __future__ import annotations

from pathlib import Path

from run_project_helpers import make_run_project


def test_latest_is_the_newest_run_everywhere(tmp_path: Path) -> None:
    project = make_run_project(tmp_path / "proj")
    fail = project.stackctl("runs", "show", "latest", code=1)
    assert fail.err == (
        "error: run 'latest' does not exist: no pipeline has run yet\n"
        "  hint: run one first: `stackctl run PIPELINE`\n"
    )
    first = project.run("tiny")
    second = project.run("tiny")
    assert f"run {second}" in project.stackctl("runs", "show", "latest").out
    assert second[:8] in project.stackctl("runs", "logs", "latest").out
    explained = project.stackctl("runs", "explain-cache", "latest", "total").out
    assert f"step total of run {second[:8]}" in explained
    assert "total.output" in project.stackctl("artifacts", "list", "latest").out
    assert (
        project.stackctl("artifacts", "get", "latest", "total.output").out
        == project.stackctl("artifacts", "get", second, "total.output").out
    )
    assert f"run {first}" in project.stackctl("runs", "show", first[:6]).out
