"""`stackctl init` scaffolds a project that validates, formats clean and runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

STACKCTL = str(Path(sys.executable).with_name("stackctl"))


def stackctl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKCTL_")}
    return subprocess.run(
        [STACKCTL, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_init_then_validate_and_fmt_pass(tmp_path: Path) -> None:
    result = stackctl("init", "proj", "--name", "demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "proj"
    assert "created stackctl.yaml" in result.stdout
    assert "Next: cd proj && stackctl validate" in result.stdout
    assert (project / "stackctl.yaml").read_text().splitlines()[:3] == [
        "# yaml-language-server: $schema=schemas/project.schema.json",
        "# A stackctl project: `stackctl validate` checks it, `stackctl plan` / `apply` change it.",
        "project: demo",
    ]
    for relative in (
        "stacks/local.yaml",
        "pipelines/hello.yaml",
        "pipelines/hello.py",
        "pipelines/run.py",
        "pipelines/__init__.py",
        "schemas/project.schema.json",
        "schemas/stack-file.schema.json",
        "schemas/pipeline-file.schema.json",
    ):
        assert (project / relative).is_file(), relative
    assert ".stackctl/" in (project / ".gitignore").read_text().splitlines()
    assert "from stackctl import pipeline" in (project / "pipelines" / "run.py").read_text()
    assert "from stackctl import step" in (project / "pipelines" / "hello.py").read_text()
    validate = stackctl("validate", cwd=project)
    assert validate.returncode == 0, validate.stderr
    assert validate.stdout == "valid: 3 files, 5 components, 3 stacks, 1 pipeline\n"
    fmt = stackctl("fmt", "--check", cwd=project)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_init_in_the_current_folder_names_the_project_after_it(tmp_path: Path) -> None:
    folder = tmp_path / "My Cool Project!"
    folder.mkdir()
    (folder / ".gitignore").write_text("*.pyc")
    result = stackctl("init", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "project: My-Cool-Project\n" in (folder / "stackctl.yaml").read_text()
    assert (folder / ".gitignore").read_text() == "*.pyc\n.stackctl/\n"
    assert "Next: stackctl validate" in result.stdout
    assert stackctl("validate", cwd=folder).returncode == 0


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "stackctl.yaml").write_text("project: mine\n")
    result = stackctl("init", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "error: stackctl.yaml already exists\n"
        "  hint: this folder is already a stackctl project; run `stackctl validate` "
        "or pick another folder: `stackctl init DIR`\n"
    )
    assert (tmp_path / "stackctl.yaml").read_text() == "project: mine\n"
    assert not (tmp_path / "stacks").exists()


def test_init_keeps_existing_files(tmp_path: Path) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "local.yaml").write_text("# mine\nstacks: {}\n")
    result = stackctl("init", "--name", "x", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "kept    stacks/local.yaml (already exists)" in result.stdout
    assert (tmp_path / "stacks" / "local.yaml").read_text() == "# mine\nstacks: {}\n"


def test_init_refuses_a_bad_name(tmp_path: Path) -> None:
    result = stackctl("init", "--name", "9 lives", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: '9 lives' is not a valid project name\n")
    assert not (tmp_path / "stackctl.yaml").exists()


def test_scaffolded_pipeline_runs_from_python(tmp_path: Path) -> None:
    assert stackctl("init", "--name", "demo", cwd=tmp_path).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKCTL_")}
    result = subprocess.run(
        [sys.executable, "pipelines/run.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "completed" in result.stdout
