"""`plan --format markdown` of a huge generated project still fits a PR comment."""

from __future__ import annotations

from pathlib import Path

from plan_apply_helpers import make_project

GROUPS = 800  # 3,200 resources, far more than 65,000 characters of plan


def test_markdown_of_a_huge_project_is_truncated_with_a_note(tmp_path: Path):
    lines = ["components:", "  orchestrator:"]
    lines += [
        f"    o{i}: {{flavor: local_parallel, config: {{max_workers: 2}}}}" for i in range(GROUPS)
    ]
    lines.append("  artifact_store:")
    lines += [
        f"    a{i}: {{flavor: local, config: {{path: .stackctl/a/{i}}}}}" for i in range(GROUPS)
    ]
    lines.append("stacks:")
    lines += [
        f"  s{i}: {{orchestrator: o{i}, artifact_store: a{i}, lifecycle: {{prevent_destroy: true}}}}"
        for i in range(GROUPS)
    ]
    project = make_project(tmp_path / "huge", "\n".join(lines) + "\n")
    md = project.run("plan", "--format", "markdown", timeout=120).out
    assert len(md) < 65_000
    assert f"Plan: {3 * GROUPS + 3} to add" in md
    assert "**Truncated:**" in md and "Run `stackctl plan` for the full plan." in md
    assert md.count("<details") > 50
