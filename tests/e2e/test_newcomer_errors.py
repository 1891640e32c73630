"""The errors a newcomer meets first say what to do next, with exit code 1.

* any project command run outside a project says how to start one (`stackctl init`);
* `stack set` (and `--stack`, `STACKCTL_STACK`) on a declared but not applied stack says
  to run `stackctl apply`;
* `run` on a stack whose real resources drifted from state says so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.cli import run_at_home
from support.golden import check_golden

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "newcomer"


def stackctl(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_at_home(cwd, *args, env=env)


# -- outside a project ----------------------------------------------------------------------------
NO_PROJECT_NEEDED = {("init",), ("completion",), ("flavor", "list"), ("doctor",)}
#: Commands that work outside a project, on the default stack (zero configuration);
#: tests/e2e/test_sdk_pipelines.py covers them.
IMPLICIT = {"run", "runs", "artifacts", "dashboard", "pipelines", "model"}
# per-type component groups share one implementation: one of them stands for all
SAMPLE_TYPES = {"artifact-store"}
ARG_VALUES = {"serial": "1", "type_": "orchestrator", "flavor": "local", "ref": "a.b"}


def every_command() -> list[list[str]]:
    """Every leaf command of the CLI, with dummy values for its required parameters, so a
    command added later is covered without editing this test."""
    import typer.main

    from stackctl.cli.root import app

    root = typer.main.get_command(app)
    ctx = root.make_context("stackctl", [], resilient_parsing=True)
    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "list_commands"):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), [*path, name])
            return
        if tuple(path) in NO_PROJECT_NEEDED or path[0] in IMPLICIT:
            return
        args = list(path)
        for param in command.params:
            if "--auto-approve" in getattr(param, "opts", ()):
                args.append("--auto-approve")  # else it stops at "no terminal to ask"
            if param.required:
                value = ARG_VALUES.get(param.name, "x")  # a file named x exists
                args += [param.opts[0], value] if param.opts[0].startswith("-") else [value]
        found.append(args)

    walk(root, [])
    groups = {c[0] for c in found if len(c) > 1 and c[1] == "register" and c[0] != "component"}
    skipped = groups - SAMPLE_TYPES - {"stack"}
    return [c for c in found if c[0] not in skipped]


def test_outside_a_project_every_command_says_run_init(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    (tmp_path / "x").write_text("")
    commands = every_command()
    # one process per command: run them a few at a time, report every one that is off
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda args: stackctl(tmp_path, *args), commands))
    # the golden holds `<cwd>` where the folder's path stands
    said = [proc.stderr.replace(str(tmp_path), "<cwd>") for proc in results]
    check_golden(GOLDEN / "outside_project.txt", said[0])
    wrong = [
        f"stackctl {' '.join(args)} -> exit {proc.returncode}\n{proc.stdout}{proc.stderr}"
        for args, proc, text in zip(commands, results, said, strict=True)
        if proc.returncode != 1 or text != said[0]
    ]
    assert not wrong, "\n".join(wrong)


def test_the_sweep_covers_the_commands_a_newcomer_tries() -> None:
    covered = {" ".join(c[:2]) for c in every_command()}
    for command in ("validate", "plan", "apply", "stack list", "stack set", "state list"):
        assert any(c.startswith(command) for c in covered), command


def test_outside_a_project_python_run_py_runs_on_the_default_stack(tmp_path: Path) -> None:
    (tmp_path / "run.py").write_text(
        "from stackctl import pipeline, step\n\n"
        "@step\ndef hello() -> str:\n    return 'hi'\n\n"
        "@pipeline\ndef greet() -> None:\n    hello()\n\n"
        "greet()\n"
    )
    proc = subprocess.run(
        [sys.executable, "run.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the zero-configuration note says how to make the folder a project
    assert "no stackctl.yaml here or above" in proc.stderr.splitlines()[0], proc.stderr
    assert "stackctl init" in proc.stderr.splitlines()[0], proc.stderr


def test_outside_a_project_run_name_says_module_function_or_init(tmp_path: Path) -> None:
    proc = stackctl(tmp_path, "run", "training")
    assert proc.returncode == 1
    assert "pipeline 'training' is not declared" in proc.stderr
    assert "MODULE:FUNCTION" in proc.stderr and "stackctl init" in proc.stderr


def test_outside_a_project_json_errors_keep_the_hint(tmp_path: Path) -> None:
    proc = stackctl(tmp_path, "validate", env={"STACKCTL_ERROR_FORMAT": "json"})
    assert proc.returncode == 1
    error = json.loads(proc.stderr)
    assert error["error"] == "NotFoundError"
    assert "stackctl init" in error["hint"]


def test_init_and_commands_that_need_no_project_work_anywhere(tmp_path: Path) -> None:
    for args in (["--help"], ["flavor", "list"], ["completion", "bash"]):
        proc = stackctl(tmp_path, *args)
        assert proc.returncode == 0, (args, proc.stderr)


# -- a declared stack that was never applied ------------------------------------------------------
LAPTOP = """\
components:
  orchestrator:
    laptop: {flavor: local}
  artifact_store:
    laptop: {flavor: local, config: {path: .stackctl/laptop}}
stacks:
  laptop: {orchestrator: laptop, artifact_store: laptop}
"""

STEPS = "def greet() -> str:\n    return 'hello'\n"
PIPELINE = """\
pipelines:
  hello:
    steps:
      greet: {function: newcomer_steps:greet}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh project declaring a `laptop` stack and a one-step `hello` pipeline."""
    proc = stackctl(tmp_path, "init")
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "stacks" / "laptop.yaml").write_text(LAPTOP)
    (tmp_path / "pipelines" / "hello.yaml").write_text(PIPELINE)
    (tmp_path / "newcomer_steps.py").write_text(STEPS)
    proc = stackctl(tmp_path, "validate")
    assert proc.returncode == 0, proc.stderr
    return tmp_path


def _says_apply(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "laptop" in proc.stderr
    assert "stackctl apply" in proc.stderr, proc.stderr


def test_stack_set_on_a_stack_not_applied_says_apply(project: Path) -> None:
    _says_apply(stackctl(project, "stack", "set", "laptop"))
    assert stackctl(project, "stack", "get").stdout.strip() == "default"  # unchanged


def test_run_on_a_stack_not_applied_says_apply(project: Path) -> None:
    _says_apply(stackctl(project, "run", "hello", "--stack", "laptop"))
    _says_apply(stackctl(project, "run", "hello", env={"STACKCTL_STACK": "laptop"}))


def test_stack_set_after_apply_works(project: Path) -> None:
    proc = stackctl(project, "apply", "--auto-approve")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = stackctl(project, "stack", "set", "laptop")
    assert proc.returncode == 0, proc.stderr
    assert stackctl(project, "stack", "get").stdout.strip() == "laptop"


def test_stack_set_on_an_undeclared_stack_suggests_the_closest(project: Path) -> None:
    proc = stackctl(project, "stack", "set", "lapton")
    assert proc.returncode == 1
    assert "laptop" in proc.stderr  # did you mean
    assert "Traceback" not in proc.stderr


# -- a stack whose real resources drifted ---------------------------------------------------------
def test_run_on_a_drifted_stack_says_so(project: Path) -> None:
    assert stackctl(project, "apply", "--auto-approve").returncode == 0
    assert stackctl(project, "stack", "set", "laptop").returncode == 0
    store = project / ".stackctl" / "laptop"
    assert store.is_dir(), "apply should have created the artifact store folder"
    shutil.rmtree(store)  # someone "cleaned up" by hand

    proc = stackctl(project, "run", "hello")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "drift" in proc.stderr.lower(), proc.stderr
    assert "artifact_store.laptop" in proc.stderr
    assert "stackctl plan" in proc.stderr or "stackctl apply" in proc.stderr

    # the fix the message points to works, and then the run does
    assert stackctl(project, "apply", "--auto-approve").returncode == 0
    proc = stackctl(project, "run", "hello")
    assert proc.returncode == 0, proc.stdout + proc.stderr
