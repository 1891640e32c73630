"""Types nothing implements here (no built-in flavor, no plugin installed): the type's
commands say so in one line and point at docs/plugins.md, instead of offering a
`--flavor` that no value can satisfy."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import STACKCTL, call, clean_env
from support.golden import check_golden

from stackctl.components.registry import flavors
from stackctl.model import COMPONENT_TYPES

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "flavorless"
EMPTY = [t for t in COMPONENT_TYPES if not any(ft == t for ft, _ in flavors())]
# the "nothing runnable on this machine" types: golden files for their wording
GOLDEN_TYPES = ("container_registry", "image_builder", "annotator")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("flavorless")
    call([STACKCTL, "init", str(root)], cwd=root, env=clean_env())
    return root


def group(type_: str) -> str:
    return type_.replace("_", "-")


def test_the_golden_types_have_no_flavor() -> None:
    assert set(GOLDEN_TYPES) <= set(EMPTY)


@pytest.mark.parametrize("type_", GOLDEN_TYPES)
def test_flavor_list_says_none_in_one_line(project: Path, type_: str) -> None:
    result = call([STACKCTL, "flavor", "list", "--type", type_], cwd=project, env=clean_env())
    check_golden(GOLDEN / f"flavor_list_{type_}.txt", result.out)
    assert result.err == ""


@pytest.mark.parametrize("type_", GOLDEN_TYPES)
def test_register_refuses_in_one_line(project: Path, type_: str) -> None:
    before = {p: p.read_text() for p in (project / "stacks").glob("*.yaml")}
    result = call([STACKCTL, group(type_), "register", "x"], cwd=project, env=clean_env(), code=1)
    check_golden(GOLDEN / f"register_{type_}.txt", result.err)
    assert result.out == ""
    assert {p: p.read_text() for p in (project / "stacks").glob("*.yaml")} == before


@pytest.mark.parametrize("type_", EMPTY)
def test_every_empty_type_points_at_the_plugin_page(project: Path, type_: str) -> None:
    env = clean_env()
    listed = call([STACKCTL, "flavor", "list", "--type", type_], cwd=project, env=env)
    line = f"no built-in flavor exists for {type_} and no installed plugin provides one"
    assert listed.out.count("\n") == 1 and listed.out.startswith(line)
    assert "docs/plugins.md" in listed.out
    for argv in (
        [group(type_), "register", "x"],
        [group(type_), "register", "x", "--flavor", "anything"],
        ["component", "register", type_, "x", "--flavor", "anything"],
    ):
        refused = call([STACKCTL, *argv], cwd=project, env=env, code=1)
        assert refused.err.count("\n") == 1, refused.err
        assert line in refused.err and "docs/plugins.md" in refused.err
    as_json = call(
        [STACKCTL, "flavor", "list", "--type", type_, "-o", "json"], cwd=project, env=env
    )
    assert as_json.json() == []


def test_a_type_with_flavors_still_requires_one(project: Path) -> None:
    result = call([STACKCTL, "orchestrator", "register", "x"], cwd=project, env=clean_env(), code=1)
    assert "Missing option '--flavor'" in result.err


def test_the_page_it_points_at_exists() -> None:
    assert (ROOT / "docs" / "plugins.md").is_file()
