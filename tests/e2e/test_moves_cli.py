"""Renames without destroys, `removed:` forgets, destroy's last words: the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from plan_apply_helpers import Project, make_project
from support.golden import check_golden

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
GOLDEN = Path(__file__).parents[1] / "data" / "cli"


def applied(project: Project) -> Project:
    project.run("apply", "--auto-approve")
    return project


def test_rename_commands_move_state_and_destroy_nothing(tmp_path: Path):
    project = applied(make_project(tmp_path / "p"))
    store = project.root / ".stackctl" / "store-a"
    (store / "keep.txt").write_text("artifacts stay")
    before = project.run("state", "show", "artifact_store.local", "--json").json()

    out = project.run("artifact-store", "rename", "local", "shared").out
    assert "recorded `moved: artifact_store.local -> artifact_store.shared`" in out
    project.run("stack", "rename", "par", "fast")
    project.run("component", "rename", "orchestrator", "parallel", "pool")
    text = project.stacks.read_text()
    assert text.startswith("# comments survive; nothing here is rewritten by plan/apply\n")
    assert 'shared: {flavor: local, config: {path: "${vars.store}"}}' in text
    assert "fast: {orchestrator: pool, artifact_store: shared}" in text
    assert text.endswith(
        "moved:\n- {from: artifact_store.local, to: artifact_store.shared}\n"
        "- {from: stack.par, to: stack.fast}\n"
        "- {from: orchestrator.parallel, to: orchestrator.pool}\n"
    )

    plan = project.run("plan", "--detailed-exitcode", code=2).out
    assert "  # artifact_store.local has moved to artifact_store.shared\n" in plan
    assert "  # orchestrator.parallel has moved to orchestrator.pool\n" in plan
    assert "stack.fast (moved from stack.par) will be updated in place" in plan
    assert "to destroy" in plan and ", 0 to destroy, 3 to move." in plan
    assert not any(
        line.lstrip().startswith(("- ", "+ ", "-/+ "))
        for line in plan.splitlines()
        if line.startswith("  ") and not line.startswith("      ")
    )
    document = project.run("plan", "--json").json()
    jsonschema.validate(document, SCHEMA)
    moves = {c["address"]: c.get("previous_address") for c in document["resource_changes"]}
    assert moves["artifact_store.shared"] == "artifact_store.local"
    assert all(c["actions"] != ["delete"] for c in document["resource_changes"])

    md = project.run("plan", "--format", "markdown").out
    assert "| move | 3 |" in md and "#### Move only (2)" in md and "#### Destroy" not in md
    assert "<summary><code>></code> artifact_store.local has moved to artifact_store.shared" in md
    out = project.run("apply", "--auto-approve").out
    assert "artifact_store.shared: moved from artifact_store.local" in out
    assert "0 destroyed, 3 moved." in out
    assert (store / "keep.txt").read_text() == "artifacts stay"  # the provisioner never ran
    after = project.run("state", "show", "artifact_store.shared", "--json").json()
    assert after["outputs"] == before["outputs"]
    assert "No changes." in project.run("plan", "--detailed-exitcode").out
    project.run("drift")  # exit 0: reality matches
    history = project.run("state", "history").out.splitlines()
    # one transaction: two pure moves, and stack.fast moved + updated (with stack.dev)
    assert history[-1].endswith("apply      move 2, update 2")
    assert sum("move" in line for line in history) == 1


def test_renaming_the_active_stack_keeps_it_active(tmp_path: Path):
    project = applied(make_project(tmp_path / "p"))
    project.run("stack", "set", "dev")
    renamed = project.run("stack", "rename", "dev", "laptop")
    assert "the active stack of this checkout is now 'laptop'" in renamed.err
    project.run("apply", "--auto-approve")
    assert project.run("stack", "get").out.strip() == "laptop"
    assert project.run("stack", "describe").out.startswith("stack 'laptop' (active)")


def test_rename_back_drops_the_old_entry_instead_of_a_cycle(tmp_path: Path):
    project = make_project(tmp_path / "p")
    project.run("stack", "rename", "dev", "laptop")
    project.run("stack", "rename", "laptop", "dev")
    text = project.stacks.read_text()
    assert (
        "{from: stack.laptop, to: stack.dev}" in text and "stack.dev, to: stack.laptop" not in text
    )
    project.run("validate")


def test_rename_refusals_write_nothing(tmp_path: Path):
    project = make_project(tmp_path / "p")
    original = project.stacks.read_text()
    taken = project.run("stack", "rename", "dev", "par", code=1).err
    assert "stack 'par' is already declared" in taken
    assert "cannot be renamed" in project.run("stack", "rename", "default", "x", code=1).err
    missing = project.run("artifact-store", "rename", "nope", "x", code=1).err
    assert "artifact_store 'nope' is not declared" in missing
    bad = project.run("component", "rename", "orchestrator", "local", "bad name", code=1).err
    assert "invalid orchestrator name 'bad name'" in bad
    assert project.stacks.read_text() == original


def test_removed_destroy_false_forgets_without_deleting(tmp_path: Path):
    project = applied(make_project(tmp_path / "p"))
    project.edit(
        '    local: {flavor: local, config: {path: "${vars.store}"}}\n',
        '    local: {flavor: local, config: {path: "${vars.store}"}}\n'
        "    extra: {flavor: local, config: {path: .stackctl/extra}}\n",
    )
    project.run("apply", "--auto-approve")
    extra = project.root / ".stackctl" / "extra"
    assert extra.is_dir()
    project.edit("    extra: {flavor: local, config: {path: .stackctl/extra}}\n", "")
    project.edit(
        "stacks:\n",
        "removed:\n  - {from: artifact_store.extra, lifecycle: {destroy: false}}\nstacks:\n",
    )
    plan = project.run("plan", "--detailed-exitcode", code=2).out
    assert "  # artifact_store.extra will no longer be managed by stackctl" in plan
    assert "  . artifact_store.extra\n" in plan and "1 to forget." in plan
    document = project.run("plan", "--json").json()
    jsonschema.validate(document, SCHEMA)
    assert [c["actions"] for c in document["resource_changes"]] == [["forget"]]
    out = project.run("apply", "--auto-approve").out
    assert "artifact_store.extra: forgotten (not destroyed)" in out
    assert extra.is_dir()  # an empty store folder: delete would have removed it
    assert "artifact_store.extra" not in project.run("state", "list").out


def test_destroy_says_destroy_complete_and_resets_the_active_stack(tmp_path: Path):
    project = applied(make_project(tmp_path / "p"))
    project.run("stack", "set", "dev")
    out = project.run("destroy", "--auto-approve").out
    assert "Apply complete!" not in out
    assert "\nDestroy complete! Resources: 5 destroyed.\n" in out
    assert "The active stack 'dev' was destroyed; the active stack is now 'default'." in out
    assert project.run("stack", "get").out.strip() == "default"
    nothing = project.run("destroy", "--auto-approve").out
    assert "active stack" not in nothing


def test_a_registered_local_store_gets_its_own_folder_and_runs_every_step(tmp_path: Path):
    base = make_project(tmp_path / "unused")
    Project(tmp_path, base.env).run("init", "proj")
    project = Project(tmp_path / "proj", base.env)
    project.run("run", "hello")  # fills the default store's cache
    project.run("artifact-store", "register", "my_artifact_store", "--flavor", "local")
    project.run("stack", "register", "mine", "-o", "local", "-a", "my_artifact_store")
    plan = project.run("plan").out
    assert '+ config.path = ".stackctl/artifacts/my_artifact_store"' in plan
    project.run("apply", "--auto-approve")
    project.run("stack", "set", "mine")
    run = project.run("run", "hello", "--json").json()
    assert {s["status"] for s in run["steps"]} == {"completed"}, run["steps"]
    assert (project.root / ".stackctl" / "artifacts" / "my_artifact_store").is_dir()


def test_first_plan_of_init_fits_on_one_screen(tmp_path: Path):
    base = make_project(tmp_path / "unused")
    Project(tmp_path, base.env).run("init", "proj", "--name", "demo")
    plan = Project(tmp_path / "proj", base.env).run("plan").out
    assert len(plan.splitlines()) <= 45, len(plan.splitlines())
    assert "retries" not in plan and "cache" not in plan
    check_golden(GOLDEN / "init_first_plan.txt", plan)
