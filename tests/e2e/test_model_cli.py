"""`stackctl model ...` through the real CLI: versions from runs, promotion, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import STACKCTL, call, clean_env
from support.golden import check_golden
from support.models_project import normalized, write_project

GOLDEN = Path(__file__).parent.parent / "data" / "models"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], list[str]]:
    root = write_project(tmp_path_factory.mktemp("models"))
    env = clean_env()
    runs = []
    for _ in range(2):
        out = call([STACKCTL, "run", "train", "--no-cache"], cwd=root, env=env).out
        runs.append(out.splitlines()[-1].split()[1])
    return root, env, runs


def _cli(project: tuple[Path, dict[str, str], list[str]], *args: str, code: int = 0) -> str:
    root, env, runs = project
    result = call([STACKCTL, *args], cwd=root, env=env, code=code)
    return normalized(result.out + result.err, runs)


def test_model_commands(project: tuple[Path, dict[str, str], list[str]]) -> None:
    transcript = []
    for args in (
        ("model", "list"),
        ("model", "versions", "ratio"),
        ("model", "promote", "ratio", "1", "--stage", "production"),
        ("model", "promote", "ratio", "2", "--stage", "staging"),
        ("model", "promote", "ratio", "2", "--stage", "production"),
        ("model", "promote", "ratio", "2", "--stage", "production"),
        ("model", "list"),
        ("model", "show", "ratio:production"),
        ("model", "show", "ratio:1"),
    ):
        transcript.append(f"$ stackctl {' '.join(args)}\n{_cli(project, *args)}")
    check_golden(GOLDEN / "commands.txt", "\n".join(transcript))


def test_model_json(project: tuple[Path, dict[str, str], list[str]]) -> None:
    root, env, runs = project
    listed = call([STACKCTL, "model", "list", "--json"], cwd=root, env=env).json()
    assert [(m["name"], m["latest"], m["tags"]) for m in listed] == [("ratio", 2, ["demo"])]
    versions = call([STACKCTL, "model", "versions", "ratio", "--json"], cwd=root, env=env).json()
    assert [(v["version"], v["run_id"]) for v in versions] == [(2, runs[1]), (1, runs[0])]
    shown = call([STACKCTL, "model", "show", "ratio:2", "--json"], cwd=root, env=env).json()
    assert shown["run"]["id"] == runs[1]
    assert [a["step"] for a in shown["artifacts"] if a["model"]] == ["fit"]
    assert shown["metadata"] == {"params": {"n": 3}}


@pytest.mark.parametrize(
    ("case", "args"),
    [
        ("unknown_model", ("model", "show", "ration")),
        ("unknown_version", ("model", "show", "ratio:9")),
        ("bad_ref", ("model", "show", "ratio:v2")),
        ("empty_ref", ("model", "show", "ratio:")),
        ("bad_stage", ("model", "promote", "ratio", "1", "--stage", "prod")),
        ("bad_version", ("model", "promote", "ratio", "one", "--stage", "staging")),
        ("missing_version", ("model", "promote", "ratio", "7", "--stage", "staging")),
        ("promote_unknown_model", ("model", "promote", "nope", "1", "--stage", "staging")),
        ("versions_unknown_model", ("model", "versions", "nope")),
    ],
)
def test_bad_input_is_one_error_and_exit_1(
    project: tuple[Path, dict[str, str], list[str]], case: str, args: tuple[str, ...]
) -> None:
    root, env, _ = project
    before = call([STACKCTL, "model", "versions", "ratio", "--json"], cwd=root, env=env).out
    result = call([STACKCTL, *args], cwd=root, env=env, code=1)
    assert result.out == ""
    check_golden(GOLDEN / f"{case}.txt", result.err)
    after = call([STACKCTL, "model", "versions", "ratio", "--json"], cwd=root, env=env).out
    assert after == before  # nothing moved


def test_a_failed_run_makes_no_version(project: tuple[Path, dict[str, str], list[str]]) -> None:
    root, env, _ = project
    call([STACKCTL, "run", "fails"], cwd=root, env=env, code=1)
    versions = call([STACKCTL, "model", "versions", "ratio", "--json"], cwd=root, env=env).json()
    assert [v["version"] for v in versions] == [2, 1]
