"""Plan and apply in-process against a real project on disk and the SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.projects import local_stacks

from stackctl.cli.planning import Planner
from stackctl.engine.apply import apply
from stackctl.engine.changes import PlanOptions
from stackctl.model import Action
from stackctl.project import Project

STACKS = local_stacks()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stackctl.yaml").write_text("project: t\ninclude: [stacks/*.yaml]\n")
    (tmp_path / "stacks" / "s.yaml").write_text(STACKS)
    return Project.discover(tmp_path)


def run(project: Project, options: PlanOptions = PlanOptions()):
    planner = Planner(project, options)
    return apply(
        project.state(),
        planner.factory(),
        config_digest=planner.digest,
        root=project.root,
        secrets=planner.secrets,
    )


def test_apply_creates_the_directory_and_records_outputs(project: Project):
    result = run(project)
    assert result.plan.counts()["add"] == 6
    store = project.root / ".stackctl" / "store"
    assert store.is_dir()
    state = project.state().read()
    assert state.resources["artifact_store.local"].outputs == {"path": str(store.resolve())}
    assert Planner(project, PlanOptions()).plan_now().empty


def test_journal_survives_a_reopen_and_is_cleared_by_the_next_apply(project: Project):
    run(project)
    project.state().journal_begin("artifact_store.local", "update", {"reason": "test"})
    project.close()
    reopened = Project.discover(project.root)
    plan = Planner(reopened, PlanOptions()).plan_now()
    assert [i.address for i in plan.interrupted] == ["artifact_store.local"]
    assert not plan.empty and plan.changes == ()
    run(reopened)
    assert reopened.state().journal() == []
    assert Planner(reopened, PlanOptions()).plan_now().empty


def test_history_records_every_change_once_in_few_commits(project: Project):
    run(project)
    history = project.state().history()
    addresses = [c["address"] for e in history for c in e.changes]
    assert sorted(addresses) == sorted(project.state().read().resources)
    assert len(history) <= 4  # group commits: record-only changes ride along
    assert all(e.operation == "apply" and e.who for e in history)


def test_drift_then_fix(project: Project):
    run(project)
    (project.root / ".stackctl" / "store").rmdir()
    plan = Planner(project, PlanOptions()).plan_now()
    assert [(c.action, c.address) for c in plan.changes] == [
        (Action.CREATE, "artifact_store.local")
    ]
    run(project)
    assert (project.root / ".stackctl" / "store").is_dir()
