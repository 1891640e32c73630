"""`stackctl run -p` is checked against the pipeline's declared params before any run is
recorded, and `stackctl validate` checks step functions without importing them."""

from __future__ import annotations

import pytest
from run_project_helpers import RunProject, make_run_project


@pytest.fixture
def project(tmp_path) -> RunProject:
    return make_run_project(tmp_path / "proj")


@pytest.mark.parametrize(
    ("param", "message", "hint"),
    [
        (
            "D=1",
            "pipelines/main.yaml:2:3: error: pipeline 'tiny' has no parameter 'D'",
            "  hint: declared parameters: factor, n; declare it under `params:` or drop `-p`",
        ),
        (
            "n=many",
            "pipelines/main.yaml:2:3: error: pipeline 'tiny': parameter 'n' takes an integer "
            "(its default is 3), not 'many'",
            "  hint: pass an integer, e.g. -p n=3",
        ),
        (
            "factor=1.5",
            "pipelines/main.yaml:2:3: error: pipeline 'tiny': parameter 'factor' takes an "
            "integer (its default is 2), not 1.5",
            "  hint: pass an integer, e.g. -p factor=2 (or declare the default as a float to "
            "take any number)",
        ),
    ],
    ids=["unknown-name", "not-a-number", "float-for-int"],
)
def test_a_bad_param_is_one_error_with_its_fix_and_records_no_run(project, param, message, hint):
    result = project.stackctl("run", "tiny", "-p", param, code=1)
    assert result.err.splitlines() == [message, hint]
    assert result.out == ""
    assert project.stackctl("runs", "list", "--json").json() == []


def test_a_good_param_still_runs(project):
    run_id = project.run("tiny", "-p", "n=4")
    assert project.stackctl("artifacts", "get", run_id, "total.output").out == "12\n"


def test_validate_never_imports_step_modules(project):
    steps = project.root / "steps" / "tiny.py"
    steps.write_text(
        "open('IMPORTED', 'w').close()\nraise SystemExit('imported')\n" + steps.read_text()
    )
    assert project.stackctl("validate").out.startswith("valid: ")
    assert not (project.root / "IMPORTED").exists()
