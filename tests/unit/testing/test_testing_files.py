"""Test files and environment files: schema errors located, hostile input refused cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackctl.components.registry import schemas_dir
from stackctl.config.envs import env_names, env_state, load_env
from stackctl.config.testfile import load_tests
from stackctl.errors import ConfigError, NotFoundError
from stackctl.model import StateConfig


def test_a_test_file_becomes_located_cases(tmp_path: Path) -> None:
    path = tmp_path / "tests" / "t.stackctl.yaml"
    path.parent.mkdir()
    path.write_text(
        "tests:\n"
        "  one:\n"
        "    vars: {x: 1}\n"
        "    expect:\n"
        "      creates: [stack.a]\n"
        "      attribute:\n"
        "        stack.a: {config.components.orchestrator: o}\n"
        "    apply: {drift: none}\n"
    )
    (case,) = load_tests(path, tmp_path, schemas_dir())
    assert case.file == "tests/t.stackctl.yaml" and case.name == "one" and case.apply
    assert [(c.kind, str(c.location)) for c in case.checks] == [
        ("creates", "tests/t.stackctl.yaml:5:16"),
        ("attribute", "tests/t.stackctl.yaml:7:51"),
    ]
    assert case.checks[1].address == "stack.a"
    assert case.checks[1].path == "config.components.orchestrator"
    assert [a.kind for a in case.after_apply] == ["drift"]
    assert str(case.var_locations["x"]) == "tests/t.stackctl.yaml:3:12"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_any_text_is_cases_or_a_config_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.stackctl.yaml"
    path.write_bytes(text.encode("utf-8", "replace"))
    try:
        load_tests(path, tmp_path, schemas_dir())
    except ConfigError as exc:
        assert exc.diagnostics and all(d.location.file for d in exc.diagnostics)


def test_environments_are_the_yaml_files_of_envs(tmp_path: Path) -> None:
    (tmp_path / "envs").mkdir()
    for name in ("prod.yaml", "dev.yaml", "notes.txt", "bad name.yaml"):
        (tmp_path / "envs" / name).write_text("{}\n")
    assert env_names(tmp_path) == ["dev", "prod"]
    with pytest.raises(NotFoundError, match=r"unknown environment 'qa' \(known: dev, prod\)"):
        load_env(tmp_path, "qa", schemas_dir())
    assert load_env(tmp_path, "dev", schemas_dir()).vars == {}


def test_environment_state_defaults_to_its_own_sqlite_file(tmp_path: Path) -> None:
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "dev.yaml").write_text("")
    (tmp_path / "envs" / "pg.yaml").write_text("state: {url: 'postgresql://u:${vars.pw}@h/db'}\n")
    dev = load_env(tmp_path, "dev", schemas_dir())
    assert env_state(dev, StateConfig(), {}) == StateConfig("sqlite", ".stackctl/envs/dev/state.db")
    shared = StateConfig("postgres", url="postgresql://h/db")
    assert env_state(dev, shared, {}) == StateConfig(
        "postgres", ".stackctl/envs/dev/state.db", "postgresql://h/db", "stackctl_env_dev"
    )
    pg = load_env(tmp_path, "pg", schemas_dir())
    assert env_state(pg, StateConfig(), {"pw": "s"}) == StateConfig(
        "postgres", ".stackctl/envs/pg/state.db", "postgresql://u:s@h/db"
    )
