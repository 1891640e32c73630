"""A folder outside any project: the default stack only, marked implicit, note once."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackctl.config.build import DEFAULT_COMPONENTS, DEFAULT_STACK_SPEC
from stackctl.errors import NotFoundError
from stackctl.project import Project


def test_the_implicit_config_is_the_default_stack_a_project_gets(tmp_path: Path) -> None:
    spec = Project.outside(tmp_path).spec
    assert list(spec.components.values()) == list(DEFAULT_COMPONENTS)
    assert dict(spec.stacks) == {"default": DEFAULT_STACK_SPEC}
    assert spec.state.path == ".stackctl/state.db" and not spec.pipelines


def test_only_implicit_discovery_works_outside_a_project(tmp_path: Path) -> None:
    assert Project.discover(tmp_path, implicit=True).implicit
    with pytest.raises(NotFoundError, match="no stackctl.yaml"):
        Project.discover(tmp_path)
    (tmp_path / "stackctl.yaml").write_text("project: p\n")
    assert not Project.discover(tmp_path, implicit=True).implicit


def test_the_note_is_given_once_per_folder(tmp_path: Path) -> None:
    first = Project.outside(tmp_path).note_implicit()
    assert first and "stackctl init" in first
    assert Project.outside(tmp_path).note_implicit() is None
    assert Project(tmp_path).note_implicit() is None  # never inside a project
