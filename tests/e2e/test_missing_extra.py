"""A stack whose extra is not installed fails at validate/plan with the install command
(dask hidden by an import blocker), and `stackctl doctor` names what is installed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support.cli import STACKCTL, clean_env

BLOCKER = """
import sys

class _Blocked:
    # Stands in for an uninstalled stackctl[dask]: dask and distributed do not import.
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"dask", "distributed"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _Blocked())
"""
DASK_STACK = """\
stacks:
  cluster:
    orchestrator: dask
    artifact_store: local
components:
  orchestrator:
    dask:
      flavor: dask
"""


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "proj"
    root.mkdir()
    env = clean_env()
    subprocess.run([STACKCTL, "init"], cwd=root, env=env, check=True, capture_output=True)
    (root / "stacks" / "cluster.yaml").write_text(DASK_STACK)
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCKER)
    env["PYTHONPATH"] = os.pathsep.join([str(blocker), env.get("PYTHONPATH", "")])
    return root, env


def cli(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [STACKCTL, *args], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("command", [("validate",), ("plan",)])
def test_missing_dask_extra_is_one_error_with_the_install_command(project, command) -> None:
    root, env = project
    result = cli(root, env, *command)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "stacks/cluster.yaml:" in result.stderr
    assert "needs stackctl[dask], which is not installed" in result.stderr
    assert "hint: install stackctl[dask]: pip install 'stackctl[dask]'" in result.stderr


def test_with_the_extra_the_same_project_is_valid(project) -> None:
    root, env = project
    env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    result = cli(root, env, "validate")
    assert result.returncode == 0, result.stderr


def test_doctor_lists_a_missing_extra_and_its_command(project) -> None:
    root, env = project
    result = cli(root, env, "doctor")
    assert result.returncode == 1, result.stderr  # the project needs what is missing
    rows = [line.split() for line in result.stdout.splitlines() if line.strip()]
    assert ["dask", "not", "installed"] in [row[:3] for row in rows], result.stdout
    assert "pip install 'stackctl[dask]'" in result.stdout
    assert any(row[0] == "examples" and row[1][0].isdigit() for row in rows), result.stdout
    assert "problem:      orchestrator 'dask' (flavor dask) needs stackctl[dask]" in result.stdout


def test_doctor_shows_state_and_active_stack(project) -> None:
    root, env = project
    env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    env["STACKCTL_STACK"] = "dev"
    result = cli(root, env, "doctor")
    assert result.returncode == 0, result.stdout
    assert "active stack: dev" in result.stdout
    assert "state:        sqlite .stackctl/state.db (reachable)" in result.stdout
    assert "problem" not in result.stdout


def test_doctor_outside_a_project(tmp_path: Path) -> None:
    result = cli(tmp_path, clean_env(), "doctor", "--json")
    assert result.returncode == 0, result.stderr
    assert '"project": null' in result.stdout
