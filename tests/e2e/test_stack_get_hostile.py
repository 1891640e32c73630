"""Issue 13: `stack get` never echoes terminal escapes and fails for an undeclared stack."""

from __future__ import annotations

from pathlib import Path

from plan_apply_helpers import make_project


def test_stack_get_refuses_an_undeclared_or_escaped_active_stack(tmp_path: Path):
    project = make_project(tmp_path / "p")
    (project.root / ".stackctl").mkdir()
    active = project.root / ".stackctl" / "active_stack"
    active.write_text("\x1b[31mred\x1b[0m\n")
    r = project.run("stack", "get", code=1)
    assert "\x1b" not in r.out + r.err
    assert "the active stack '\\x1b[31mred\\x1b[0m' is no longer declared" in r.err
    active.write_text("dev\n")
    assert project.run("stack", "get").out == "dev\n"
