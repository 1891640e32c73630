"""The issue's "Done when" scenario, as subprocesses, plus the bad paths around it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plan_apply_helpers import make_project

SCHEMA = Path(__file__).parents[2] / "schemas" / "plan.schema.json"


@pytest.fixture
def project(tmp_path: Path):
    return make_project(tmp_path / "proj")


def test_plan_apply_edit_replace_remove(project):
    first = project.run("plan", "--detailed-exitcode", code=2)
    assert "  + orchestrator.parallel" in first.out
    assert "Plan: 8 to add, 0 to change, 0 to replace, 0 to destroy." in first.out
    applied = project.run("apply", "--auto-approve")
    assert "Apply complete! Resources: 8 added" in applied.out
    assert (project.root / ".stackctl" / "store-a").is_dir()
    assert "No changes." in project.run("plan", "--detailed-exitcode").out

    project.edit("max_workers: 4", "max_workers: 8")
    edited = project.run("plan", "--detailed-exitcode", code=2)
    assert "  ~ orchestrator.parallel\n      ~ config.max_workers: 4 -> 8\n" in edited.out
    assert "Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy." in edited.out
    project.run("apply", "--auto-approve")

    project.edit("local: {flavor: local}", "local: {flavor: local_parallel}")
    swapped = project.run("plan", "--detailed-exitcode", code=2)
    assert "-/+ orchestrator.local" in swapped.out
    assert '~ flavor: "local" -> "local_parallel" # forces replacement' in swapped.out
    assert "flavor changed (local -> local_parallel)" in swapped.out
    project.run("apply", "--auto-approve")

    project.edit("  par: {orchestrator: parallel, artifact_store: local}\n", "")
    removed = project.run("plan", "--detailed-exitcode", code=2)
    assert "  - stack.par" in removed.out and "no longer declared" in removed.out
    project.run("apply", "--auto-approve")
    assert "No changes." in project.run("plan", "--detailed-exitcode").out
    history = project.run("state", "history").out
    assert "update orchestrator.parallel" in history


def test_x_replace_key_and_stale_saved_plan(project):
    project.run("apply", "--auto-approve")
    project.run("plan", "--out", "plan.json", "--var", "store=.stackctl/store-b", code=0)
    saved = project.run("show", "plan.json").out
    assert "-/+ artifact_store.local" in saved and "config.path forces replacement" in saved
    project.edit("max_workers: 4", "max_workers: 5")
    project.run("apply", "--auto-approve")
    stale = project.run("apply", "plan.json", "--var", "store=.stackctl/store-b", code=4)
    assert "stale plan: the state moved" in stale.err


def test_saved_plan_applies_exactly_and_config_change_makes_it_stale(project):
    project.run("plan", "--out", "plan.json")
    project.edit("max_workers: 4", "max_workers: 6")
    assert "configuration changed" in project.run("apply", "plan.json", code=4).err
    project.run("plan", "--out", "plan.json")
    out = project.run("apply", "plan.json").out
    assert "Apply complete! Resources: 8 added" in out
    assert "stale plan" in project.run("apply", "plan.json", code=4).err


def test_tampered_and_truncated_plan_files_are_refused(project):
    project.run("plan", "--out", "plan.json")
    path = project.root / "plan.json"
    text = path.read_text()
    path.write_text(text.replace("max_workers", "max_workerz"))
    assert "modified after it was saved" in project.run("apply", "plan.json", code=1).err
    path.write_text(text[: len(text) // 2])
    assert "truncated" in project.run("apply", "plan.json", code=1).err
    assert not (project.root / ".stackctl" / "store-a").exists()


def test_apply_without_tty_needs_auto_approve(project):
    result = project.run("apply", code=1)
    assert "--auto-approve" in result.err
    assert "stackctl plan --out plan.json && stackctl apply plan.json" in result.err
    project.run("destroy", code=1)


def test_invalid_config_never_reaches_plan(project):
    project.edit("max_workers: 4", "max_workers: -1")
    result = project.run("plan", code=1)
    assert "stacks/main.yaml:" in result.err and "max_workers" in result.err
    assert not (project.root / ".stackctl" / "state.db").exists()
    project.run("apply", "--auto-approve", code=1)


def test_prevent_destroy_is_remembered_in_state(project):
    project.edit(
        "par: {orchestrator: parallel, artifact_store: local}",
        "par: {orchestrator: parallel, artifact_store: local, lifecycle: {prevent_destroy: true}}",
    )
    project.run("apply", "--auto-approve")
    project.edit(
        "  par: {orchestrator: parallel, artifact_store: local, lifecycle: {prevent_destroy: true}}\n",
        "",
    )
    blocked = project.run("plan", code=1)
    assert "prevent_destroy forbids this plan: stack.par would be destroyed" in blocked.err
    assert "--allow-destroy stack.par" in blocked.err
    project.run("apply", "--auto-approve", code=1)
    project.run("apply", "--auto-approve", "--allow-destroy", "stack.par")
    assert "stack.par" not in project.run("state", "list").out


def test_destroy_keeps_the_default_stack(project):
    project.run("apply", "--auto-approve")
    out = project.run("destroy", "--auto-approve").out
    assert "5 destroyed" in out
    listed = project.run("state", "list").out
    assert (
        "stack.default" in listed and "orchestrator.default" in listed and "stack.dev" not in listed
    )
    assert "No changes." in project.run("plan", "--destroy").out


def test_json_output_matches_the_schema_and_markdown_fits(project):
    import jsonschema

    document = json.loads(project.run("plan", "--json").out)
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    assert (
        document["format_version"] == "1.1"
    )  # 1.1: previous_address, no-op and forget actions, move/forget counts
    change = next(c for c in document["resource_changes"] if c["address"] == "stack.dev")
    assert change["actions"] == ["create"] and change["type"] == "stack" and change["name"] == "dev"
    assert ["orchestrator.local", "stack.dev"] in document["edges"]
    md = project.run("plan", "--format", "markdown").out
    assert "| create (`+`) | 8 |" in md and "<details>" in md


def test_targets_and_excludes(project):
    out = project.run("plan", "--target", "stack.dev").out
    assert "Plan: 3 to add" in out and "orchestrator.parallel" not in out
    out = project.run("plan", "--exclude", "artifact_store.local").out
    assert "+ stack.dev\n" not in out and "Plan: 5 to add" in out
    bad = project.run("plan", "--target", "stack.deb", code=1)
    assert "no such resource" in bad.err and "stack.dev" in bad.err
