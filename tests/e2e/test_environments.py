"""Environments through the real CLI: `--env NAME` / STACKCTL_ENV select envs/NAME.yaml,
each keeps its own state and active stack, and a plan saved in one is refused in another."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from plan_apply_helpers import Project, make_project
from support.golden import check_golden

GOLDEN = Path(__file__).parents[1] / "data" / "cli" / "environments"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = make_project(tmp_path / "proj")
    (proj.root / "envs").mkdir()
    (proj.root / "envs" / "staging.yaml").write_text(
        "# staging: its own folder and state\ndescription: before production\n"
        "vars:\n  store: .stackctl/staging-store\n"
    )
    (proj.root / "envs" / "prod.yaml").write_text(
        "vars: {store: .stackctl/prod-store}\nstate: {path: .stackctl/prod.db}\n"
    )
    return proj


def _addresses(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT address FROM resources")}


def test_two_environments_keep_separate_states(project: Project) -> None:
    staging = project.run("--env", "staging", "apply", "--auto-approve")
    assert staging.out.splitlines()[0] == "Environment: staging"
    assert (project.root / ".stackctl" / "staging-store").is_dir()
    assert not (project.root / ".stackctl" / "state.db").exists()  # the default state: untouched
    staging_db = project.root / ".stackctl" / "envs" / "staging" / "state.db"
    assert "artifact_store.local" in _addresses(staging_db)

    # prod has nothing yet: its plan creates everything, in its own state file
    prod = project.run("plan", "--detailed-exitcode", code=2, STACKCTL_ENV="prod")
    assert prod.out.splitlines()[0] == "Environment: prod"
    assert 'config.path = ".stackctl/prod-store"' in prod.out
    project.run("--env", "prod", "apply", "--auto-approve")
    assert (project.root / ".stackctl" / "prod.db").is_file()
    assert "No changes." in project.run("--env", "staging", "plan").out

    # an edit shows up in each environment's plan against its own state
    project.edit("max_workers: 4", "max_workers: 8")
    for env in ("staging", "prod"):
        assert "~ config.max_workers: 4 -> 8" in project.run("--env", env, "plan").out
    # no environment: today's behaviour, first line is the plan itself
    plain = project.run("plan")
    assert not plain.out.startswith("Environment:")
    assert "Plan: 8 to add" in plain.out


def test_a_plan_saved_in_one_environment_is_refused_in_another(project: Project) -> None:
    project.run("--env", "staging", "plan", "--out", "staging.plan")
    for argv in (("--env", "prod", "apply", "staging.plan"), ("apply", "staging.plan")):
        refused = project.run(*argv, code=4)
        assert refused.out == ""
    check_golden(GOLDEN / "refused.txt", refused.err)
    assert not (project.root / ".stackctl" / "prod.db").exists()  # nothing written
    project.run("plan", "--out", "plain.plan")
    assert (
        "without an environment" in project.run("--env", "prod", "apply", "plain.plan", code=4).err
    )
    applied = project.run("--env", "staging", "apply", "staging.plan")
    assert applied.out.splitlines()[0] == "Environment: staging"


def test_active_stack_is_per_environment(project: Project) -> None:
    project.run("--env", "staging", "apply", "--auto-approve")
    project.run("--env", "staging", "stack", "set", "par")
    assert project.run("--env", "staging", "stack", "get").out.strip().startswith("par")
    assert (project.root / ".stackctl" / "envs" / "staging" / "active_stack").is_file()
    assert not (project.root / ".stackctl" / "active_stack").exists()


def test_env_list_and_show(project: Project) -> None:
    listed = project.run("--env", "staging", "env", "list")
    check_golden(GOLDEN / "list.txt", listed.out)
    shown = project.run("env", "show", "prod")
    check_golden(GOLDEN / "show.txt", shown.out)
    assert "no environment selected" in project.run("env", "show", code=1).err


def test_unknown_and_invalid_environments(project: Project) -> None:
    unknown = project.run("--env", "qa", "plan", code=1)
    assert unknown.err.splitlines()[0] == "error: unknown environment 'qa' (known: prod, staging)"
    assert "unknown environment '../x'" in project.run("--env", "../x", "plan", code=1).err
    (project.root / "envs" / "broken.yaml").write_text("vars: {stor: x}\nstate: {backend: nope}\n")
    broken = project.run("--env", "broken", "plan", code=1)
    check_golden(GOLDEN / "broken.txt", broken.err)
    (project.root / "envs" / "broken.yaml").write_text("vars: {stor: x}\n")
    typo = project.run("--env", "broken", "plan", code=1)
    assert "envs/broken.yaml:1:8: error: vars.stor: unknown variable 'stor'" in typo.err


@pytest.mark.postgres
def test_environments_of_a_postgres_project_get_their_own_schemas(
    project: Project, pg_url: str
) -> None:
    import psycopg

    config = project.root / "stackctl.yaml"
    config.write_text(config.read_text() + "state: {backend: postgres, url: '${oc.env:PG}'}\n")
    shown = project.run("env", "show", "staging", PG=pg_url).out
    assert (
        "state:        postgres postgresql://" in shown and "(schema stackctl_env_staging)" in shown
    )
    project.run("--env", "staging", "apply", "--auto-approve", PG=pg_url)
    assert "stack.dev" in project.run("--env", "staging", "state", "list", PG=pg_url).out
    # the project's own state (no environment) and prod's schema are still empty
    assert "Plan: 8 to add" in project.run("plan", PG=pg_url).out
    assert (
        "Plan: 8 to add" in project.run("--env", "prod", "plan", PG=pg_url).out
    )  # its SQLite file
    with psycopg.connect(pg_url) as conn:
        schemas = {
            r[0]
            for r in conn.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'resources'"
            )
        }
    assert "stackctl_env_staging" in schemas
    # a plan saved in the staging schema is refused by the project's own state
    project.run("--env", "staging", "plan", "--out", "s.plan", PG=pg_url)
    assert project.run("apply", "s.plan", code=4, PG=pg_url).out == ""
