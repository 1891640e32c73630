"""Planner takes the validated project from the per-checkout cache, except with --var /
--var-file (not part of the cache key), and never serves a project older than its files."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.projects import local_stacks

from stackctl.cli.planning import Planner
from stackctl.engine.changes import PlanOptions
from stackctl.errors import ConfigError
from stackctl.project import Project
from stackctl.spec_cache import CACHE_FILE

PROJECT = "project: cached\ninclude: [stacks/*.yaml]\nvars:\n  where: .stackctl/a\n"
STACKS = local_stacks('"${vars.where}"')


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stackctl.yaml").write_text(PROJECT)
    (tmp_path / "stacks" / "main.yaml").write_text(STACKS)
    return tmp_path


def path_of(project: Project) -> object:
    return project.spec.components["artifact_store.local"].config["path"]


def test_a_plan_fills_the_cache_and_the_next_one_reads_it(root: Path) -> None:
    Planner(Project(root), PlanOptions())
    assert (root / CACHE_FILE).is_file()
    again = Project(root)
    Planner(again, PlanOptions())
    assert path_of(again) == ".stackctl/a"


def test_an_edit_is_seen_at_once(root: Path) -> None:
    Planner(Project(root), PlanOptions())
    (root / "stacks" / "main.yaml").write_text(STACKS.replace("${vars.where}", "elsewhere"))
    project = Project(root)
    Planner(project, PlanOptions())
    assert path_of(project) == "elsewhere"


def test_var_overrides_bypass_the_cache(root: Path) -> None:
    Planner(Project(root), PlanOptions())
    project = Project(root, var_overrides={"where": "from-cli"})
    Planner(project, PlanOptions())
    assert path_of(project) == "from-cli"
    assert path_of(Project(root)) == ".stackctl/a"  # and did not poison it


def test_an_invalid_config_fails_as_without_the_cache(root: Path) -> None:
    Planner(Project(root), PlanOptions())
    (root / "stacks" / "main.yaml").write_text(STACKS.replace("flavor: local}", "flavor: lcal}"))
    with pytest.raises(ConfigError, match="unknown orchestrator flavor 'lcal'"):
        Planner(Project(root), PlanOptions())
