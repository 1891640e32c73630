"""`stackctl state migrate`, through the real CLI.

sqlite -> sqlite and sqlite -> the machine's PostgreSQL (a fresh database per test,
dropped after) and back: lineage, history and runs kept, passwords never printed,
another state never overwritten, approval asked on a terminal.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from run_project_helpers import RunProject, make_run_project
from support.cli import STACKCTL, on_terminal


@pytest.fixture
def project(tmp_path: Path) -> RunProject:
    return make_run_project(tmp_path / "p")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> RunProject:
    """Applied once, with one run of `tiny`; each test works on a copy of it."""
    project = make_run_project(tmp_path_factory.mktemp("template") / "p")
    project.stackctl("apply", "--auto-approve")
    project.run("tiny")
    return project


@pytest.fixture
def applied(template: RunProject, tmp_path: Path) -> RunProject:
    shutil.copytree(template.root, tmp_path / "p")
    return RunProject(tmp_path / "p", dict(template.env))


def snapshot(p: RunProject) -> dict[str, Any]:
    """What users see of a state: resources, history, runs (their records: the unit
    tests compare steps and artifacts field by field)."""
    return {
        "show": p.stackctl("show", "--json").json(),
        "runs": p.stackctl("runs", "list", "--json").json(),
        "history": p.stackctl("state", "history", "--json").json(),
    }


def use_state(p: RunProject, block: str) -> None:
    text = (p.root / "stackctl.yaml").read_text()
    (p.root / "stackctl.yaml").write_text(text + block)


def test_sqlite_to_sqlite_keeps_everything(applied: RunProject) -> None:
    before = snapshot(applied)
    moved = applied.stackctl(
        "state", "migrate", "--to", "sqlite:///moved/state.db", "--auto-approve"
    )
    lineage = before["show"]["lineage"]
    assert f"Copied state lineage {lineage} at serial {before['show']['serial']}" in moved.out
    assert f"{len(before['show']['resources'])} resources" in moved.out
    assert "1 run (3 steps, 3 artifacts)" in moved.out
    assert "from .stackctl/state.db (left as it was)" in moved.out
    assert "state:\n  backend: sqlite\n  path: moved/state.db\n" in moved.out
    use_state(applied, "state: {backend: sqlite, path: moved/state.db}\n")
    assert snapshot(applied) == before
    applied.stackctl("plan", "--detailed-exitcode")  # exit 0: nothing to do
    # The copy is a live state: new runs land next to the copied ones.
    applied.run("tiny")
    assert len(applied.stackctl("runs", "list", "--json").json()) == 2


def test_it_asks_without_auto_approve_and_refuses_without_a_tty(applied: RunProject) -> None:
    refused = applied.stackctl("state", "migrate", "--to", "copy.db", code=1)
    assert "needs approval, and there is no terminal" in refused.err
    assert "--auto-approve" in refused.err
    assert not (applied.root / "copy.db").exists()


def test_another_state_is_never_overwritten(applied: RunProject, tmp_path: Path) -> None:
    other = make_run_project(tmp_path / "other")
    other.stackctl("apply", "--auto-approve")
    target = other.root / ".stackctl" / "state.db"
    before = target.read_bytes()
    refused = applied.stackctl("state", "migrate", "--to", str(target), "--auto-approve", code=1)
    assert "already holds another state" in refused.err
    assert "migrate into an empty database or file" in refused.err
    assert target.read_bytes() == before


def test_the_same_store_and_bad_urls_are_refused(applied: RunProject) -> None:
    same = applied.stackctl(
        "state", "migrate", "--to", "sqlite:///.stackctl/state.db", "--auto-approve", code=1
    )
    assert "already lives in .stackctl/state.db" in same.err
    bad = applied.stackctl(
        "state", "migrate", "--to", "mysql://u:pw@h/db", "--auto-approve", code=1
    )
    assert "unsupported state URL scheme 'mysql'" in bad.err
    assert "pw" not in bad.err.replace("postgresql", "")


def test_nothing_to_migrate_on_a_fresh_project(project: RunProject) -> None:
    fresh = project.stackctl("state", "migrate", "--to", "copy.db", "--auto-approve", code=1)
    assert "no state to migrate yet" in fresh.err
    assert not (project.root / ".stackctl" / "state.db").exists()


@pytest.mark.postgres
def test_sqlite_to_postgres_and_back(applied: RunProject, pg_url: str, tmp_path: Path) -> None:
    pg_db = pg_url.rsplit("/", 1)[1]  # a fresh database (tests/conftest.py)
    before = snapshot(applied)
    # Trust auth ignores the password: it is here to prove it is never printed.
    url = f"postgresql://postgres:hunter2secret@127.0.0.1:5432/{pg_db}"
    moved = applied.stackctl("state", "migrate", "--to", url, "--auto-approve")
    assert "hunter2secret" not in moved.out + moved.err
    assert f"to   postgresql://postgres:***@127.0.0.1:5432/{pg_db}" in moved.out
    assert "state:\n  backend: postgres\n  url: ${oc.env:STACKCTL_PG_URL}\n" in moved.out
    as_json = applied.stackctl("state", "migrate", "--to", url, "--auto-approve", "--json").json()
    assert as_json["state"] == {"backend": "postgres", "url": "${oc.env:STACKCTL_PG_URL}"}
    assert (as_json["lineage"], as_json["runs"]) == (before["show"]["lineage"], 1)

    use_state(applied, "state: {backend: postgres, url: '${oc.env:STACKCTL_PG_URL}'}\n")
    applied.env["STACKCTL_PG_URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_db}"
    assert snapshot(applied) == before

    # Back out of PostgreSQL into a new file: still the same state.
    back = tmp_path / "back.db"
    applied.stackctl("state", "migrate", "--to", f"sqlite:///{back}", "--auto-approve")
    applied.env.pop("STACKCTL_PG_URL")
    config = applied.root / "stackctl.yaml"
    pg_block = "state: {backend: postgres, url: '${oc.env:STACKCTL_PG_URL}'}"
    config.write_text(config.read_text().replace(pg_block, f"state: {{path: {back}}}"))
    assert applied.stackctl("show", "--json").json() == before["show"]


@pytest.mark.parametrize(("answer", "code"), [("no", 1), ("yes", 0)])
def test_on_a_terminal_it_asks_first(applied: RunProject, answer: str, code: int) -> None:
    # stdin is a TTY: the command asks
    proc = on_terminal(
        [STACKCTL, "state", "migrate", "--to", "copy.db"],
        f"{answer}\n",
        cwd=applied.root,
        env=applied.env,
    )
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "This copies state lineage" in proc.stdout
    assert "Only 'yes' will be accepted" in proc.stdout
    if answer == "no":
        assert "Migration cancelled: nothing was copied." in proc.stderr
    assert (applied.root / "copy.db").exists() == (answer == "yes")
