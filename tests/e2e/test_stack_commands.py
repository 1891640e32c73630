"""The stack and component commands as a user runs them: the real CLI as subprocesses.

register -> validate -> set refused (not applied) -> apply -> set -> get/list ->
export -> import into another project -> ZenML import -> delete -> plan shows the delete.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli import STACKCTL, Result, call, clean_env

ZENML = Path(__file__).resolve().parents[1] / "data" / "zenml"
STACK_FILE = """\
# yaml-language-server: $schema=../schemas/stack-file.schema.json
# Reviewed stacks. This comment must survive every edit.
components:
  orchestrator:
    local: {flavor: local}     # in-process
stacks:
  dev: {orchestrator: local, artifact_store: default}
"""


def stackctl(cwd: Path, *args: str) -> Result:
    return call([STACKCTL, *args], cwd=cwd, env=clean_env(), code=None, timeout=120)


def ok(cwd: Path, *args: str) -> str:
    result = stackctl(cwd, *args)
    assert result.code == 0, (args, result.out, result.err)
    return result.out


def new_project(path: Path, name: str) -> Path:
    (path / "stacks").mkdir(parents=True)
    (path / "stackctl.yaml").write_text(f"project: {name}\n")
    (path / "stacks" / "team.yaml").write_text(STACK_FILE)
    return path


@pytest.mark.slow
def test_stack_lifecycle(tmp_path: Path) -> None:
    root = new_project(tmp_path / "a", "a")
    out = ok(
        root,
        "artifact-store",
        "register",
        "my_store",
        "--flavor",
        "local",
        "--path",
        ".stackctl/my_store",
    )
    assert "Registered artifact_store 'my_store' (flavor local) in stacks/team.yaml." in out
    out = ok(root, "stack", "register", "my_stack", "-o", "local", "-a", "my_store")
    assert out.endswith("Next:\n  stackctl plan\n  stackctl apply\n  stackctl stack set my_stack\n")
    text = (root / "stacks" / "team.yaml").read_text()
    assert text.startswith("".join(STACK_FILE.splitlines(keepends=True)[:5]))
    assert "    local: {flavor: local}     # in-process\n" in text
    assert "    my_store: {flavor: local, config: {path: .stackctl/my_store}}\n" in text
    ok(root, "validate")

    refused = stackctl(root, "stack", "set", "my_stack")
    assert refused.code == 1
    assert "declared but not applied" in refused.err and "stackctl apply" in refused.err

    assert stackctl(root, "plan", "--detailed-exitcode").code == 2
    ok(root, "apply", "--auto-approve")
    ok(root, "stack", "set", "my_stack")
    assert ok(root, "stack", "get") == "my_stack\n"
    listed = json.loads(ok(root, "stack", "list", "--output", "json"))
    mine = next(s for s in listed["stacks"] if s["name"] == "my_stack")
    assert mine["active"] and mine["applied"]
    assert mine["components"]["artifact_store"] == {"name": "my_store", "flavor": "local"}

    exported = tmp_path / "my_stack.yaml"
    ok(root, "stack", "export", "my_stack", "-o", str(exported))
    other = new_project(tmp_path / "b", "b")
    ok(other, "stack", "import", str(exported))
    assert (other / "stacks" / "my_stack.yaml").is_file()
    clash = stackctl(other, "stack", "import", str(exported))
    assert clash.code == 1 and "--rename" in clash.err
    ok(other, "stack", "import", str(exported), "--rename", "copy")
    ok(other, "validate")

    zen = stackctl(other, "stack", "import", str(ZENML / "s3_stack.yaml"))
    assert zen.code == 0, zen.err
    assert "aws_creds_access_key" in zen.err  # the secrets it needs are named
    described = json.loads(ok(other, "stack", "describe", "s3_stack", "-o", "json"))
    store = described["components"][1]
    assert store["config"]["key"] == "(sensitive)"
    unknown = stackctl(other, "stack", "import", str(ZENML / "unknown_flavor.yaml"))
    assert unknown.code == 1 and "known: dask, local, local_parallel" in unknown.err

    in_use = stackctl(root, "artifact-store", "delete", "my_store")
    assert in_use.code == 1 and "used by stack 'my_stack'" in in_use.err
    ok(root, "stack", "delete", "dev")
    plan = stackctl(root, "plan", "--detailed-exitcode")
    assert plan.code == 2 and "stack.dev" in plan.out
    assert (
        "# Reviewed stacks. This comment must survive every edit."
        in (root / "stacks" / "team.yaml").read_text()
    )


def test_component_help_lists_flavor_options(tmp_path: Path) -> None:
    root = new_project(tmp_path, "h")
    out = ok(root, "orchestrator", "register", "--help")
    assert "--max-workers" in out and "Processes in the pool" in out


def test_stack_delete_default_is_refused(tmp_path: Path) -> None:
    root = new_project(tmp_path, "d")
    result = stackctl(root, "stack", "delete", "default")
    assert result.code == 1
    assert result.err == (
        "error: the default stack always exists and cannot be deleted\n"
        "  hint: delete or stop using another stack instead\n"
    )
