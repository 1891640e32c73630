"""The issue's "Done when" scenario from `stackctl init`, every step a subprocess."""

from __future__ import annotations

from pathlib import Path

from plan_apply_helpers import Project, make_project


def test_done_when_scenario_from_init(tmp_path: Path):
    base = make_project(tmp_path / "unused")  # only for its environment
    Project(tmp_path, base.env).run("init", "proj", "--name", "demo")
    project = Project(tmp_path / "proj", base.env)
    stacks = project.root / "stacks" / "local.yaml"

    def edit(old: str, new: str) -> None:
        text = stacks.read_text()
        assert old in text, old
        stacks.write_text(text.replace(old, new))

    first = project.run("plan", "--detailed-exitcode", code=2)
    assert "pipeline.hello" not in first.out and "  + stack.dev" in first.out
    project.run("plan", "--out", "early.json", code=0)
    project.run("apply", "--auto-approve")
    assert "No changes." in project.run("plan", "--detailed-exitcode", code=0).out

    edit("max_workers: 4", "max_workers: 2")
    changed = project.run("plan", "--detailed-exitcode", code=2).out
    assert "  ~ orchestrator.parallel\n      ~ config.max_workers: 4 -> 2\n" in changed
    project.run("apply", "--auto-approve")

    edit("local: {flavor: local}", "local: {flavor: local_parallel}")
    replaced = project.run("plan", "--detailed-exitcode", code=2).out
    assert "-/+ orchestrator.local" in replaced and "# forces replacement" in replaced
    project.run("apply", "--auto-approve")

    edit("  parallel: {orchestrator: parallel, artifact_store: local}\n", "")
    removed = project.run("plan", "--detailed-exitcode", code=2).out
    assert "  - stack.parallel" in removed
    assert "Plan: 0 to add, 0 to change, 0 to replace, 1 to destroy." in removed
    project.run("apply", "--auto-approve")
    project.run("plan", "--detailed-exitcode", code=0)

    stale = project.run("apply", "early.json", code=4)
    assert "stale plan" in stale.err and "stackctl plan --out" in stale.err
