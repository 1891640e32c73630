"""`stackctl runs compare` through the real CLI: two runs of `tiny` with another
`factor`, a third identical to the second (all cached), and the errors.

Goldens hold no timing: the duration rows are dropped from the text, and from --json
(their presence is asserted instead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from run_project_helpers import RunProject, make_run_project
from support.golden import check_golden
from support.models_project import normalized

GOLDEN = Path(__file__).parent.parent / "data" / "runs_compare"


@dataclass
class Compared:
    project: RunProject
    runs: list[str]
    version: str  # the pipeline version digest (depends on the checkout's files)


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Compared:
    project = make_run_project(tmp_path_factory.mktemp("compare") / "proj")
    runs = [
        project.run("tiny"),
        project.run("tiny", "-p", "factor=3"),
        project.run("tiny", "-p", "factor=3"),
    ]
    shown = project.stackctl("runs", "show", runs[0], "--json").json()
    return Compared(project, runs, shown["pipeline_version"])


def _text(compared: Compared, *args: str, code: int = 0) -> str:
    result = compared.project.stackctl("runs", "compare", *args, code=code)
    # timing never goes in a golden: the duration rows are dropped (they never set a
    # column's width: a run id is wider than any duration shown)
    lines = [line for line in (result.out + result.err).splitlines() if "duration_s" not in line]
    text = "\n".join(lines) + "\n"
    return normalized(text.replace(compared.version[:12], "VERSION_____"), compared.runs)


def test_compare_shows_what_changed(compared: Compared) -> None:
    first, second, third = compared.runs
    transcript = []
    for args in (
        (first[:8], second),
        (first, "latest"),
        (second, third),
        (first, second, third, "--all"),
    ):
        transcript.append(f"$ stackctl runs compare {' '.join(args)}\n{_text(compared, *args)}")
    check_golden(GOLDEN / "compare.txt", normalized("\n".join(transcript), compared.runs))


def _untimed(data: dict[str, Any]) -> dict[str, Any]:
    rows = [r for r in data["rows"] if not r["timing"]]
    return {**data, "rows": rows}


def test_compare_json(compared: Compared) -> None:
    first, second, _ = compared.runs
    data = compared.project.stackctl("runs", "compare", first, second, "--json").json()
    assert [r["id"] for r in data["runs"]] == [first, second]
    timing = [r for r in data["rows"] if r["timing"]]
    assert [(r["section"], r["key"]) for r in timing] == [("run", "duration_s")]
    assert all(isinstance(v, float) for v in timing[0]["values"].values())
    factor = next(r for r in data["rows"] if r["key"] == "factor")
    assert factor["values"] == {first: 2, second: 3} and factor["differs"]
    every = compared.project.stackctl("runs", "compare", first, second, "--json", "--all").json()
    assert len(every["rows"]) == every["differing"] + every["identical"] + len(
        [r for r in every["rows"] if r["timing"]]
    )
    text = normalized(
        compared.project.stackctl("runs", "compare", first, second, "--json").out, compared.runs
    )
    check_golden(
        GOLDEN / "compare.json",
        json.dumps(_untimed(json.loads(text)), indent=2, sort_keys=True) + "\n",
    )


@pytest.mark.parametrize(
    ("case", "args"),
    [
        ("one_run", ("latest",)),
        ("same_run_twice", ("latest", "latest")),
        ("unknown_run", ("latest", "nope")),
    ],
)
def test_compare_errors(compared: Compared, case: str, args: tuple[str, ...]) -> None:
    result = compared.project.stackctl("runs", "compare", *args, code=1)
    assert result.out == ""
    check_golden(GOLDEN / f"{case}.txt", normalized(result.err, compared.runs))
