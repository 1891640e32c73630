"""`stackctl graph` on the repository's example project, against golden outputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.golden import check_golden

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "graph"
STACKCTL = str(Path(sys.executable).with_name("stackctl"))


def stackctl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKCTL_")}
    return subprocess.run(
        [STACKCTL, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        ((), "resources.dot"),
        (("--format", "mermaid"), "resources.mmd"),
        (("--pipeline", "training"), "training.dot"),
        (("-p", "training", "-f", "mermaid"), "training.mmd"),
    ],
)
def test_graph_matches_golden(args: tuple[str, ...], golden: str) -> None:
    result = stackctl("graph", *args)
    assert result.returncode == 0, result.stderr
    check_golden(GOLDEN / golden, result.stdout)


def test_resource_graph_edges_point_from_components_to_stacks() -> None:
    lines = stackctl("graph").stdout.splitlines()
    edges = [line.strip().rstrip(";") for line in lines if "->" in line]
    assert edges
    for edge in edges:
        source, target = (part.strip().strip('"') for part in edge.split("->"))
        assert source.split(".")[0] in (
            "orchestrator",
            "artifact_store",
            "experiment_tracker",
            "stack",
        )
        assert target.startswith(("stack.", "pipeline."))


def test_unknown_pipeline_suggests_the_closest() -> None:
    result = stackctl("graph", "--pipeline", "trainng")
    assert result.returncode == 1
    assert result.stderr == (
        "error: pipeline 'trainng' is not declared\n  hint: did you mean 'training'?\n"
    )


def test_unknown_format_is_refused() -> None:
    result = stackctl("graph", "--format", "png")
    assert result.returncode == 1
    assert "unknown graph format 'png'" in result.stderr
    assert "--format dot or --format mermaid" in result.stderr


def test_invalid_project_reports_config_errors(tmp_path: Path) -> None:
    (tmp_path / "stackctl.yaml").write_text("project: x\nvars: {a: 1}\nextra: 1\n")
    result = stackctl("graph", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("stackctl.yaml:3:1: error: unknown key 'extra'\n")
