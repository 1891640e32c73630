"""`stackctl test` as a user runs it: a good change passes, a change that would destroy a
prevent_destroy stack fails at the assertion's file:line:col, JUnit XML that a JUnit
schema accepts, golden plans, and the project's own state and folders left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xmlschema
from plan_apply_helpers import Project, make_project
from support.golden import check_golden

DATA = Path(__file__).parents[1] / "data"
GOLDEN = DATA / "cli" / "stack_tests"
JUNIT_XSD = DATA / "junit" / "junit.xsd"

TESTS = """\
# reviewed with the change: what a pull request may do to the stacks
tests:
  keeps_par:
    state: fixtures/main.json
    expect:
      destroys: []
      replaces_none: true
  fresh_checkout:
    vars: {store: .stackctl/fresh}
    expect:
      destroys: []
      attribute:
        artifact_store.local: {config.path: .stackctl/fresh}
    apply:
      state:
        artifact_store.local: {flavor: local}
        stack.par: {lifecycle.prevent_destroy: true}
      drift: none
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = make_project(tmp_path / "proj")
    proj.edit(
        "par: {orchestrator: parallel, artifact_store: local}",
        "par: {orchestrator: parallel, artifact_store: local, lifecycle: {prevent_destroy: true}}",
    )
    proj.run("apply", "--auto-approve")
    (proj.root / "tests" / "fixtures").mkdir(parents=True)
    snapshot = proj.run("show", "--json").out
    (proj.root / "tests" / "fixtures" / "main.json").write_text(snapshot)
    (proj.root / "tests" / "main.stackctl.yaml").write_text(TESTS)
    return proj


def _state_db(proj: Project) -> bytes:
    return (proj.root / ".stackctl" / "state.db").read_bytes()


def test_a_good_change_passes(project: Project) -> None:
    project.edit("max_workers: 4", "max_workers: 8")  # an update in place: allowed
    before = _state_db(project)
    result = project.run("test", "--junit-xml", "junit.xml")
    check_golden(GOLDEN / "pass.txt", result.out)
    assert _state_db(project) == before  # the project's state was never written
    assert not (project.root / ".stackctl" / "fresh").exists()  # nor its folders
    xmlschema.XMLSchema(JUNIT_XSD).validate(project.root / "junit.xml")


def test_destroying_a_prevent_destroy_stack_fails_at_the_assertion(project: Project) -> None:
    project.edit(
        "  par: {orchestrator: parallel, artifact_store: local, lifecycle: {prevent_destroy: true}}\n",
        "",
    )
    result = project.run("test", "--junit-xml", "junit.xml", code=1)
    check_golden(GOLDEN / "prevent_destroy.txt", result.out)
    # the assertion `destroys: []` of keeps_par is line 6, its value at column 17
    assert (
        "tests/main.stackctl.yaml:6:17: expect.destroys: expected [], got [stack.par]" in result.out
    )
    junit = project.root / "junit.xml"
    schema = xmlschema.XMLSchema(JUNIT_XSD)
    schema.validate(junit)
    suites = schema.to_dict(junit)
    cases = suites["testsuite"][0]["testcase"]
    failed = [c for c in cases if "failure" in c]
    # fresh_checkout fails too: its `stack.par: {lifecycle.prevent_destroy: true}` is gone
    assert [c["@name"] for c in failed] == ["keeps_par", "fresh_checkout"]
    assert "tests/main.stackctl.yaml:6:17: expect.destroys" in failed[0]["failure"]["$"]
    assert suites["@failures"] == 2 and suites["@tests"] == 2


def test_a_junit_file_with_hostile_text_still_validates(project: Project) -> None:
    (project.root / "tests" / "odd.stackctl.yaml").write_text(
        'tests:\n  odd:\n    expect:\n      attribute:\n        stack.dev: {config.x: "<&]]>\\"\'"}\n'
    )
    project.run("test", "--junit-xml", "junit.xml", code=1)
    xmlschema.XMLSchema(JUNIT_XSD).validate(project.root / "junit.xml")
    assert "&lt;&amp;]]&gt;" in (project.root / "junit.xml").read_text()


def test_a_plan_refusal_can_be_the_expectation(project: Project) -> None:
    project.edit(
        "  par: {orchestrator: parallel, artifact_store: local, lifecycle: {prevent_destroy: true}}\n",
        "",
    )
    (project.root / "tests" / "guard.stackctl.yaml").write_text(
        "tests:\n  refused:\n    state: fixtures/main.json\n"
        "    expect: {error: prevent_destroy, destroys: [stack.par]}\n"
    )
    result = project.run("test", "tests/guard.stackctl.yaml")
    assert result.out.splitlines()[0] == "pass  tests/guard.stackctl.yaml::refused"


def test_golden_plans_are_written_then_compared(project: Project) -> None:
    # the goldens here are the product's (`stackctl test --update-golden`), not this suite's
    cases = project.root / "tests" / "golden.stackctl.yaml"
    cases.write_text(
        "tests:\n  plan_of_record:\n    state: fixtures/main.json\n    golden: golden/record.json\n"
    )
    project.edit("max_workers: 4", "max_workers: 8")
    wrote = project.run("test", "--name", "plan_of_record", "--update-golden")
    assert "(wrote golden golden/record.json)" in wrote.out
    record = project.root / "tests" / "golden" / "record.json"
    document = json.loads(record.read_text())
    assert "lineage" not in document and document["summary"]["change"] == 1
    project.run("test", "--name", "plan_of_record")  # unchanged: passes
    project.edit("max_workers: 8", "max_workers: 6")
    failed = project.run("test", "--name", "plan_of_record", code=1)
    assert (
        "tests/golden.stackctl.yaml:4:13: golden: golden/record.json differs at "
        "resource_changes[0].after.config.max_workers: expected 8, got 6" in failed.out
    )
    assert (
        "hint: if the change is intended, rewrite it: `stackctl test --update-golden`" in failed.out
    )


def test_update_golden_never_replaces_a_file_it_did_not_write(project: Project) -> None:
    cases = project.root / "tests" / "golden.stackctl.yaml"
    cases.write_text("tests:\n  clobber:\n    golden: ../stackctl.yaml\n")
    before = (project.root / "stackctl.yaml").read_text()
    result = project.run("test", "--name", "clobber", "--update-golden", code=1)
    assert "refusing to replace" in result.out
    assert (project.root / "stackctl.yaml").read_text() == before


def test_an_invalid_test_file_is_reported_with_locations(project: Project) -> None:
    (project.root / "tests" / "bad.stackctl.yaml").write_text(
        "tests:\n  typo:\n    expect:\n      creates: stack.dev\n      destroy: []\n"
    )
    result = project.run("test", code=1)
    check_golden(GOLDEN / "invalid.txt", result.err)
    assert result.out == ""  # nothing ran


def test_bad_inputs_of_a_case_are_errors_of_that_case(project: Project) -> None:
    (project.root / "tests" / "inputs.stackctl.yaml").write_text(
        "tests:\n"
        "  no_snapshot:\n    state: fixtures/missing.json\n"
        "  outside:\n    state: ../../elsewhere.json\n"
        "  typo_var:\n    vars: {stor: x}\n"
        "  escapes:\n    vars: {store: /tmp/escaped-by-a-test}\n    apply: true\n"
    )
    result = project.run("test", "tests/inputs.stackctl.yaml", code=1)
    check_golden(GOLDEN / "inputs.txt", result.out)
    assert not Path("/tmp/escaped-by-a-test").exists()


def test_unknown_names_and_missing_files(project: Project) -> None:
    assert "no test case named nope" in project.run("test", "--name", "nope", code=1).err
    assert "no such test file: x.yaml" in project.run("test", "x.yaml", code=1).err
    for path in (project.root / "tests").glob("*.yaml"):
        path.unlink()
    assert "no test files: tests/*.stackctl.yaml matches nothing" in project.run("test", code=1).err


def test_an_invalid_configuration_fails_the_run_not_each_case(project: Project) -> None:
    project.edit("par: {orchestrator: parallel,", "par: {orchestrator: nope,")
    result = project.run("test", code=1)
    assert result.out == ""
    assert result.err.startswith("stacks/main.yaml:")
    assert "'nope'" in result.err.splitlines()[0]
