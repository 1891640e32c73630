"""`stackctl runs ...`, `stackctl artifacts ...` and `stackctl.client` on real runs.

One project for the module: `tiny` runs once, a step's source is edited, and it runs
again (so the second run has cached and re-run steps). The tests only read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from run_project_helpers import RunProject, make_run_project


@dataclass
class Runs:
    project: RunProject
    first: str
    second: str


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    project = make_run_project(tmp_path_factory.mktemp("runs") / "proj")
    first = project.run("tiny")
    # same result, new source: `scaled` runs again, the others come from the cache
    project.edit_steps("return [x * factor for x in xs]", "return [factor * x for x in xs]")
    second = project.run("tiny")
    return Runs(project, first, second)


def test_runs_list_newest_first_and_filtered(runs):
    listed = runs.project.stackctl("runs", "list", "--json").json()
    assert [r["id"] for r in listed] == [runs.second, runs.first]
    assert {(r["pipeline"], r["stack"], r["status"]) for r in listed} == {
        ("tiny", "default", "completed")
    }
    text = runs.project.stackctl("runs", "list").out
    assert runs.first[:8] in text and runs.second[:8] in text
    only = runs.project.stackctl("runs", "list", "--pipeline", "nope", "--json").json()
    assert only == []
    assert len(runs.project.stackctl("runs", "list", "--stack", "default", "--json").json()) == 2


def test_runs_show_steps_status_and_cache(runs):
    steps = runs.project.steps(runs.second)
    assert {n: s["status"] for n, s in steps.items()} == {
        "numbers": "cached",
        "scaled": "completed",
        "total": "cached",  # same input bytes as before the edit
    }
    assert steps["numbers"]["cached_from"] == f"{runs.first}/numbers"
    text = runs.project.stackctl("runs", "show", runs.second[:8]).out
    assert f"run {runs.second}" in text
    # the producer by its short id, as `stackctl run` says it
    assert re.search(rf"^numbers +cached .* cached from {runs.first[:8]}$", text, re.M), text
    assert "total.output" in text and "json" in text


def test_runs_logs_show_each_steps_output(runs):
    every = runs.project.stackctl("runs", "logs", runs.first).out
    assert f"==> run {runs.first[:8]} | stack default | step numbers (completed) <==" in every
    assert "making 3 numbers" in every
    assert "step scaled (completed) <==\n(no output)" in every
    one = runs.project.stackctl("runs", "logs", runs.first, "numbers").out
    assert "making 3 numbers" in one and "step scaled" not in one
    missing = runs.project.stackctl("runs", "logs", runs.first, "nope", code=1)
    assert "has no step 'nope'" in missing.err and "stackctl runs show" in missing.err


def test_artifacts_list_and_get(runs, tmp_path):
    listed = runs.project.stackctl("artifacts", "list", runs.first, "--json").json()
    assert [f"{a['step']}.{a['name']}" for a in listed] == [
        "numbers.output",
        "scaled.output",
        "total.output",
    ]
    assert {a["materializer"] for a in listed} == {"json"}
    assert all(a["uri"].endswith(f"{a['digest']}/output.json") for a in listed)
    assert runs.project.stackctl("artifacts", "get", runs.first, "scaled.output").out == "[0,2,4]\n"
    target = tmp_path / "scaled.json"
    result = runs.project.stackctl(
        "artifacts", "get", runs.first, "scaled.output", "-o", str(target)
    )
    assert json.loads(target.read_text()) == [0, 2, 4]
    assert f"wrote 7 bytes to {target}" in result.out


def test_artifacts_get_names_what_exists(runs):
    result = runs.project.stackctl("artifacts", "get", runs.first, "total.model", code=1)
    assert "has no artifact total.model" in result.err
    assert "numbers.output, scaled.output, total.output" in result.err
    # just STEP works when the step has one output (issue 10); malformed refs still fail
    assert runs.project.stackctl("artifacts", "get", runs.first, "total").out == "6\n"
    bad = runs.project.stackctl("artifacts", "get", runs.first, "total.", code=1)
    assert "is not STEP.OUTPUT" in bad.err


def test_explain_cache_names_the_changed_part(runs):
    scaled = runs.project.stackctl("runs", "explain-cache", runs.second, "scaled", "--json").json()
    assert scaled["status"] == "completed"
    assert scaled["previous_run_id"] == runs.first
    assert scaled["changed"] == ["source"]
    text = runs.project.stackctl("runs", "explain-cache", runs.second, "scaled").out
    assert [line.split()[0] for line in text.splitlines() if line.rstrip().endswith("changed")] == [
        "source"
    ]
    numbers = runs.project.stackctl("runs", "explain-cache", runs.second, "numbers").out
    assert "nothing changed since the previous run" in numbers


def test_unknown_run_is_an_error_with_a_hint(runs):
    result = runs.project.stackctl("runs", "show", "ffffffff", code=1)
    assert "ffffffff" in result.err and "hint:" in result.err
    assert "Traceback" not in result.err


def test_client_loads_artifacts_by_run_and_step(runs):
    script = (
        "from stackctl import client\n"
        f"print(client.load({runs.first[:8]!r}, 'total'))\n"
        f"print(client.load({runs.second!r}, 'scaled', 'output'))\n"
        "print([r.id for r in client.runs(pipeline='tiny')])\n"
        f"print(client.status(client.run({runs.first!r})))\n"
        f"print(len(client.read_bytes({runs.first!r}, 'numbers')))\n"
    )
    out = runs.project.python("-c", script).out.splitlines()
    assert out == ["6", "[0, 2, 4]", str([runs.second, runs.first]), "completed", "7"]
