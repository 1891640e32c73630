"""The GitOps kit: .pre-commit-hooks.yaml run by pre-commit itself, and docs/gitops.md.

pre-commit installs a `language: python` hook repository by pip-installing it into a
fresh virtualenv, which needs the network. So the hooks run here as `repo: local`,
`language: system` copies of the manifest's own definitions (same id, entry, files,
pass_filenames), with stackctl's virtualenv on PATH; the manifest itself is checked with
`pre-commit validate-manifest`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
GITOPS = ROOT / "docs" / "gitops.md"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STACKCTL_", "GIT_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(home),
        PRE_COMMIT_HOME=str(home / ".cache" / "pre-commit"),
        GIT_CONFIG_NOSYSTEM="1",
        NO_COLOR="1",
    )
    return env


def _manifest() -> list[dict[str, Any]]:
    hooks: list[dict[str, Any]] = yaml.safe_load(MANIFEST.read_text())
    return hooks


def _local_config() -> str:
    """The manifest's hooks as `repo: local` + `language: system` (no pip install)."""
    hooks = [{**hook, "language": "system"} for hook in _manifest()]
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


class Repo:
    """A temporary git repository holding a stackctl project."""

    def __init__(self, path: Path) -> None:
        self.path = path / "repo"
        self.path.mkdir()
        self.env = _env(path)
        self.sh("git", "init", "-q", "-b", "main")
        self.sh("git", "config", "user.email", "ci@example.com")
        self.sh("git", "config", "user.name", "CI")
        self.sh("stackctl", "init")
        (self.path / ".pre-commit-config.yaml").write_text(_local_config())
        (self.path / "README.md").write_text("# infra\n")

    def sh(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            args,
            cwd=self.path,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=120,
        )
        if check:
            assert proc.returncode == 0, f"{shlex.join(args)} -> {proc.returncode}\n{proc.stdout}"
        return proc

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        self.sh("git", "add", "-A")
        return self.sh("pre-commit", "run", *args, check=False)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


def _status(output: str, hook_name: str) -> str:
    """`stackctl validate.....Passed` -> "Passed" (or Failed / Skipped)."""
    found = re.search(rf"^{re.escape(hook_name)}\.*(?:\(no files to check\))?(\w+)$", output, re.M)
    assert found, f"no line for hook {hook_name!r} in:\n{output}"
    return found.group(1)


# -- the manifest ---------------------------------------------------------------------------------
def test_manifest_is_valid_for_pre_commit(tmp_path: Path) -> None:
    proc = subprocess.run(
        ["pre-commit", "validate-manifest", str(MANIFEST)],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_manifest_exposes_validate_and_fmt_check() -> None:
    hooks = {hook["id"]: hook for hook in _manifest()}
    assert hooks["stackctl-validate"]["entry"] == "stackctl validate"
    assert hooks["stackctl-fmt"]["entry"] == "stackctl fmt --check"
    for hook in hooks.values():
        assert hook["language"] == "python"  # pip-installs this repository's `stackctl`
        assert hook["pass_filenames"] is False  # both check the whole project
        files = re.compile(hook["files"])
        for path in ("stackctl.yaml", "stacks/dev.yaml", "infra/pipelines/train.yml"):
            assert files.search(path), (hook["id"], path)
        for path in ("README.md", "stacks.txt", "src/app/stackctl.py"):
            assert not files.search(path), (hook["id"], path)


# -- the hooks, run by pre-commit on a real repository --------------------------------------------
def test_hooks_pass_on_a_fresh_project(repo: Repo) -> None:
    proc = repo.pre_commit("--all-files")
    assert proc.returncode == 0, proc.stdout
    assert _status(proc.stdout, "stackctl validate") == "Passed"
    assert _status(proc.stdout, "stackctl fmt --check") == "Passed"


def test_validate_hook_fails_on_an_invalid_project(repo: Repo) -> None:
    config = repo.path / "stackctl.yaml"
    config.write_text(config.read_text() + "colour: blue\n")
    proc = repo.pre_commit("--all-files")
    assert proc.returncode == 1, proc.stdout
    assert _status(proc.stdout, "stackctl validate") == "Failed"
    assert re.search(r"^stackctl\.yaml:\d+:1: error: .*colour", proc.stdout, re.M), proc.stdout


def test_fmt_hook_fails_on_an_unformatted_file(repo: Repo) -> None:
    stack_file = repo.path / "stacks" / "tutorial.yaml"
    stack_file.write_text(
        "components:\n"
        "    orchestrator:\n"
        "        laptop:      {flavor: local}\n"
        "    artifact_store:\n"
        "        laptop:   {flavor: local, config: {path: .stackctl/laptop}}\n"
        "stacks:\n"
        "    laptop:      {orchestrator: laptop,   artifact_store: laptop}\n"
    )
    proc = repo.pre_commit("--all-files")
    assert proc.returncode == 1, proc.stdout
    assert _status(proc.stdout, "stackctl fmt --check") == "Failed"
    assert "stacks/tutorial.yaml" in proc.stdout
    repo.sh("stackctl", "fmt")  # the fix the hook's failure points to
    proc = repo.pre_commit("--all-files")
    assert proc.returncode == 0, proc.stdout


def test_hooks_skip_commits_without_stackctl_files(repo: Repo) -> None:
    (repo.path / "stackctl.yaml").write_text("not: [valid\n")
    proc = repo.pre_commit("--files", "README.md")
    assert proc.returncode == 0, proc.stdout
    assert _status(proc.stdout, "stackctl validate") == "Skipped"


# -- docs/gitops.md stays true to the code --------------------------------------------------------
def _yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", markdown, re.M | re.S)


def test_gitops_local_hooks_mirror_the_manifest() -> None:
    local = next(
        yaml.safe_load(b)["repos"][0]["hooks"]
        for b in _yaml_blocks(GITOPS.read_text())
        if "repo: local" in b
    )
    for doc_hook, hook in zip(local, _manifest(), strict=True):
        for key in ("id", "entry", "pass_filenames", "files"):
            assert doc_hook[key] == hook[key], (hook["id"], key)


def _stackctl_commands(script: str) -> list[list[str]]:
    """Every `stackctl ...` invocation in a shell script (continuations joined)."""
    script = script.replace("\\\n", " ")
    found = []
    for match in re.finditer(r"(?:^|[;&|(]\s*|\s)stackctl\s+([^|;&>)\n]*)", script, re.M):
        found.append(shlex.split(match.group(1), comments=True))
    return found


def test_gitops_workflow_only_uses_commands_and_options_that_exist() -> None:
    import typer.main

    from stackctl.cli.root import app

    root = typer.main.get_command(app)
    workflow = next(b for b in _yaml_blocks(GITOPS.read_text()) if "jobs:" in b)
    jobs = yaml.safe_load(workflow)["jobs"]
    assert {"plan", "apply", "drift"} <= set(jobs)
    scripts = [s["run"] for job in jobs.values() for s in job["steps"] if "run" in s]
    commands = [c for s in scripts for c in _stackctl_commands(s)]
    assert len(commands) >= 5, commands
    # through get_command: the root group imports its commands on first use (cli/lazy.py)
    ctx = root.make_context("stackctl", [], resilient_parsing=True)
    for args in commands:
        command: Any = root
        while args and hasattr(command, "get_command"):
            found = command.get_command(ctx, args[0])
            if found is None:
                break
            command = found
            args.pop(0)
        assert not hasattr(command, "commands"), f"`stackctl {shlex.join(args)}`: no such command"
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        for arg in args:
            if arg.startswith("--"):
                assert arg in options, f"`stackctl {command.name}` has no option {arg}"


def test_gitops_test_step_runs_the_docs_test_file_and_writes_valid_junit(repo: Repo) -> None:
    import xmlschema

    doc_tests = next(b for b in _yaml_blocks(GITOPS.read_text()) if b.startswith("# tests/"))
    (repo.path / "tests").mkdir()
    (repo.path / "tests" / "plan.stackctl.yaml").write_text(doc_tests)
    ran = repo.sh("bash", "-c", _workflow_step("plan", "Test"))
    assert "Success! 2 passed, 0 failed." in ran.stdout
    assert not (repo.path / ".stackctl").exists()  # the throwaway state lived elsewhere
    report = repo.path / "stackctl-tests.xml"
    xmlschema.XMLSchema(ROOT / "tests" / "data" / "junit" / "junit.xsd").validate(report)
    # the same step fails the job when a case fails
    (repo.path / "tests" / "plan.stackctl.yaml").write_text(
        doc_tests.replace("destroys: []", "destroys: [stack.dev]")
    )
    failed = repo.sh("bash", "-c", _workflow_step("plan", "Test"), check=False)
    assert failed.returncode == 1
    assert "tests/plan.stackctl.yaml:5:17: expect.destroys: expected [stack.dev], got []" in (
        failed.stdout
    )


# -- the workflow's stackctl steps, for real, against shared PostgreSQL state ---------------------


def _workflow_step(job: str, name: str) -> str:
    workflow = next(b for b in _yaml_blocks(GITOPS.read_text()) if "jobs:" in b)
    steps = yaml.safe_load(workflow)["jobs"][job]["steps"]
    script: str = next(s["run"] for s in steps if s.get("name") == name)
    return script


def _checkout(tmp_path: Path, name: str, pg_url: str) -> Repo:
    """A CI runner's checkout: the project, with the doc's PostgreSQL state section."""
    runner = tmp_path / name
    runner.mkdir()
    repo = Repo(runner)
    doc_config = next(b for b in _yaml_blocks(GITOPS.read_text()) if "backend: postgres" in b)
    config = repo.path / "stackctl.yaml"
    state = re.search(r"(?m)^state:\n(?:  .*\n)+", doc_config)
    assert state, doc_config
    text, count = re.subn(r"(?m)^state:\n(?:  .*\n)+", state.group(0), config.read_text())
    assert count == 1, "stackctl init should write a state: section"
    config.write_text(text)
    repo.env["STACKCTL_PG_URL"] = pg_url
    repo.env["GITHUB_OUTPUT"] = str(runner / "github_output")
    return repo


@pytest.mark.postgres
def test_workflow_steps_share_state_through_postgres(tmp_path: Path, pg_url: str) -> None:
    pr = _checkout(tmp_path, "pr-runner", pg_url)
    pr.sh("stackctl", "validate")
    pr.sh("stackctl", "fmt", "--check")

    # the pull-request job: one plan, saved and rendered as the comment
    pr.sh("bash", "-c", _workflow_step("plan", "Plan"))
    assert "exitcode=2" in (tmp_path / "pr-runner" / "github_output").read_text()
    comment = (pr.path / "plan.md").read_text()
    assert "to add" in comment and len(comment) < 65_000
    assert json.loads((pr.path / "plan.json").read_text())["format_version"]

    # the merge job, on another runner: applies exactly the saved plan
    main = _checkout(tmp_path, "main-runner", pg_url)
    shutil.copy(pr.path / "plan.json", main.path / "plan.json")
    main.sh("bash", "-c", _workflow_step("apply", "Apply exactly that plan"))

    # the state is shared: the merge runner has nothing left to do and sees no drift ...
    assert main.sh("stackctl", "plan", "--detailed-exitcode", check=False).returncode == 0
    assert main.sh("stackctl", "drift", check=False).returncode == 0
    # ... and a fresh runner reads the same state, where only the folders of `local`
    # artifact stores (on the machine that applied) are missing: see docs/gitops.md
    nightly = _checkout(tmp_path, "nightly-runner", pg_url)
    assert "stack.dev" in nightly.sh("stackctl", "state", "list").stdout
    drift = nightly.sh("stackctl", "drift", check=False)
    assert drift.returncode == 2
    assert all("artifact_store." in line for line in drift.stdout.splitlines() if "!" in line)

    # a saved plan that was overtaken by another apply is refused, exit 4
    extra = "components:\n  artifact_store:\n    extra: {flavor: local, config: {path: .x}}\n"
    (pr.path / "stacks" / "extra.yaml").write_text(extra)
    pr.sh("stackctl", "plan", "--out", "stale.json")
    (main.path / "stacks" / "extra.yaml").write_text(extra)
    main.sh("stackctl", "apply", "--auto-approve")
    assert pr.sh("stackctl", "apply", "stale.json", check=False).returncode == 4
