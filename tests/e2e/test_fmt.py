"""`stackctl fmt`: rewrite, --check, --diff; the shipped examples are already canonical."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STACKCTL = str(Path(sys.executable).with_name("stackctl"))

MESSY = """\
# yaml-language-server: $schema=../schemas/stack-file.schema.json
stacks:
    # the dev stack
    dev: {artifact_store: local, orchestrator: local}   # on one line
components:
    orchestrator:
        local:
            config: {}
            flavor: local   # the flavor
    artifact_store:
        local: {config: {path: "${vars.dir}"}, flavor: local}
"""
CANONICAL = """\
# yaml-language-server: $schema=../schemas/stack-file.schema.json
components:
  orchestrator:
    local:
      flavor: local # the flavor
      config: {}
  artifact_store:
    local: {flavor: local, config: {path: "${vars.dir}"}}
stacks:
  # the dev stack
  dev: {orchestrator: local, artifact_store: local} # on one line
"""


def stackctl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKCTL_")}
    return subprocess.run(
        [STACKCTL, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def project(tmp_path: Path) -> Path:
    (tmp_path / "stackctl.yaml").write_text("project: demo\nvars:\n  dir: .stackctl/a\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "local.yaml").write_text(MESSY)
    return tmp_path


def test_check_names_unformatted_files_and_exits_1(tmp_path: Path) -> None:
    result = stackctl("fmt", "--check", cwd=project(tmp_path))
    assert result.returncode == 1
    assert result.stdout == "stacks/local.yaml\n"
    assert result.stderr == "1 file would be reformatted; run `stackctl fmt`\n"
    assert (tmp_path / "stacks" / "local.yaml").read_text() == MESSY


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    result = stackctl("fmt", "--diff", cwd=project(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("--- a/stacks/local.yaml\n+++ b/stacks/local.yaml\n@@ ")
    assert "+  dev: {orchestrator: local, artifact_store: local} # on one line\n" in result.stdout
    assert (tmp_path / "stacks" / "local.yaml").read_text() == MESSY


def test_fmt_rewrites_canonically_keeps_comments_and_meaning(tmp_path: Path) -> None:
    project(tmp_path)
    before = stackctl("validate", "--json", cwd=tmp_path)
    result = stackctl("fmt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "formatted stacks/local.yaml\n"
    assert (tmp_path / "stacks" / "local.yaml").read_text() == CANONICAL
    assert stackctl("validate", "--json", cwd=tmp_path).stdout == before.stdout
    again = stackctl("fmt", "--check", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "")


def test_explicit_files_and_yaml_errors(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "stacks:\n    dev: {orchestrator: local, artifact_store: local}\n"
    )
    (tmp_path / "b.yaml").write_text("a: 1\na: 2\n")
    result = stackctl("fmt", "a.yaml", "b.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == "formatted a.yaml\n"
    assert result.stderr.startswith(
        "b.yaml:2:1: error: duplicate key 'a' (first defined at line 1)\n"
    )
    assert (tmp_path / "a.yaml").read_text() == (
        "stacks:\n  dev: {orchestrator: local, artifact_store: local}\n"
    )


def test_without_a_project_says_how_to_start_one(tmp_path: Path) -> None:
    result = stackctl("fmt", cwd=tmp_path)
    assert result.returncode == 1
    assert "hint: run `stackctl init`" in result.stderr


def test_the_shipped_examples_are_fmt_clean() -> None:
    result = stackctl("fmt", "--check", cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_init_templates_are_fmt_clean() -> None:
    templates = ROOT / "stackctl" / "templates" / "project"
    files = [str(p) for p in sorted(templates.rglob("*.yaml"))]
    result = stackctl("fmt", "--check", *files, cwd=templates)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
