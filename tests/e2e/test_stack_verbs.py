"""ZenML's stack verbs as a user runs them: `stack update`, `stack copy`,
`stack remove-component`, `component copy` / `<type> copy`.

Each round-trips through plan/apply; the edited YAML keeps every comment (golden of the
whole file in tests/data/stack_verbs/), and a refused edit writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_apply_helpers import Project, make_project
from support.golden import check_golden

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "stack_verbs"
STACKS = """\
# yaml-language-server: $schema=../schemas/stack-file.schema.json
# Team stacks: reviewed in pull requests. Every comment here must survive the edits.
components:
  orchestrator:
    local: {flavor: local}          # in-process
    parallel: {flavor: local_parallel, config: {max_workers: 2}}
  artifact_store:
    local: {flavor: local, config: {path: .stackctl/team}}  # the shared folder
  experiment_tracker:
    # MLflow in a folder next to the project
    mlf: {flavor: mlflow, config: {tracking_uri: null}}
stacks:
  # the stack everyone starts from
  dev: {orchestrator: local, artifact_store: local}
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "p", STACKS)
    project.run("apply", "--auto-approve")
    return project


def test_update_copy_remove_round_trip(project: Project) -> None:
    out = project.run("stack", "update", "dev", "-o", "parallel", "-e", "mlf").out
    assert out == (
        "Updated stack 'dev' in stacks/main.yaml: orchestrator 'parallel', "
        "experiment_tracker 'mlf'.\nNext:\n  stackctl plan\n  stackctl apply\n"
    )
    plan = project.run("plan", "--json").json()
    assert [(c["address"], c["actions"]) for c in plan["resource_changes"]] == [
        ("stack.dev", ["update"])
    ]
    project.run("apply", "--auto-approve")
    out = project.run("stack", "copy", "dev", "staging").out
    assert out == (
        "Copied stack 'dev' to 'staging' in stacks/main.yaml.\nNext:\n  stackctl plan\n"
        "  stackctl apply\n  stackctl stack set staging\n"
    )
    out = project.run("stack", "remove-component", "staging", "--experiment-tracker").out
    assert out.startswith(
        "Removed experiment_tracker 'mlf' from stack 'staging' in stacks/main.yaml."
    )
    out = project.run("artifact-store", "copy", "local", "scratch").out
    assert out.startswith("Copied artifact_store 'local' to 'scratch' in stacks/main.yaml.")
    project.run("component", "copy", "orchestrator", "parallel", "wide")
    edited = project.stacks.read_text()
    check_golden(GOLDEN / "edited.yaml", edited)
    plan = project.run("plan", "--json").json()
    assert sorted((c["address"], c["actions"][0]) for c in plan["resource_changes"]) == [
        ("artifact_store.scratch", "create"),
        ("orchestrator.wide", "create"),
        ("stack.staging", "create"),
    ]
    project.run("apply", "--auto-approve")
    project.run("plan", "--detailed-exitcode", code=0)
    assert project.run("stack", "set", "staging").out.startswith("Active stack: 'staging'")


def test_copy_of_a_store_warns_about_the_shared_folder(project: Project) -> None:
    result = project.run("artifact-store", "copy", "local", "twin")
    check_golden(GOLDEN / "copy_store_warning.txt", result.err)


@pytest.mark.parametrize(
    ("case", "argv"),
    [
        ("update_unknown_component", ["stack", "update", "dev", "-e", "mlflw"]),
        ("update_nothing", ["stack", "update", "dev"]),
        ("update_default", ["stack", "update", "default", "-e", "mlf"]),
        ("update_unknown_stack", ["stack", "update", "dve", "-o", "local"]),
        ("remove_absent", ["stack", "remove-component", "dev", "--experiment-tracker"]),
        ("remove_nothing", ["stack", "remove-component", "dev"]),
        ("copy_clash", ["stack", "copy", "dev", "default"]),
        ("copy_bad_name", ["stack", "copy", "dev", "no spaces"]),
        ("component_copy_clash", ["component", "copy", "orchestrator", "local", "parallel"]),
        ("component_copy_unknown", ["orchestrator", "copy", "lcal", "x"]),
    ],
)
def test_refused_edits_write_nothing(project: Project, case: str, argv: list[str]) -> None:
    before = project.stacks.read_text()
    result = project.run(*argv, code=1)
    check_golden(GOLDEN / f"{case}.txt", result.err)
    assert project.stacks.read_text() == before


def test_a_project_that_does_not_validate_is_not_edited(project: Project) -> None:
    # The edit is validated as a whole project: when the project is already invalid the
    # result cannot be checked, so nothing is written (and the error says why).
    text = project.stacks.read_text().replace("max_workers: 2", "max_workers: 0")
    project.stacks.write_text(text)
    result = project.run("stack", "copy", "dev", "other", code=1)
    assert "max_workers" in result.err
    assert project.stacks.read_text() == text
