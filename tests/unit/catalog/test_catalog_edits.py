"""Stack and component edits through the catalog: validated before writing, clashes refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stackctl.catalog import components, stacks, transfer, views
from stackctl.errors import ConfigError, NotFoundError, StackctlError
from stackctl.model import Resource
from stackctl.project import Project

ROOT = Path(__file__).resolve().parents[3]
ZENML = ROOT / "tests" / "data" / "zenml"
STACK_FILE = """\
# team stacks (keep this comment)
components:
  orchestrator:
    local: {flavor: local}
    parallel: {flavor: local_parallel, config: {max_workers: 4}}
  artifact_store:
    shared: {flavor: local, config: {path: "${vars.artifacts_dir}"}}
    s3: {flavor: s3, config: {uri: "s3://bucket/x", key: "${secret:aws_key}"}}
stacks:
  dev: {orchestrator: local, artifact_store: shared}   # everyday
  cloud: {orchestrator: parallel, artifact_store: s3}
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "stackctl.yaml").write_text(
        "project: demo\nvars:\n  artifacts_dir: .stackctl/artifacts\n"
    )
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "team.yaml").write_text(STACK_FILE)
    return Project(tmp_path)


def fresh(project: Project) -> Project:
    project.close()
    return Project(project.root)


def mark_applied(project: Project, *addresses: str) -> None:
    store = project.state()
    with store.lock("test"):
        store.commit(
            upserts=[Resource(a, a.split(".")[0], a.split(".")[1], None, {}) for a in addresses],
            operation="apply",
            who="test",
            summary="test",
        )


def team(project: Project) -> str:
    return (project.root / "stacks" / "team.yaml").read_text()


def test_register_component_and_stack_then_validate(project: Project) -> None:
    outcome = components.register_component(
        project, "artifact_store", "mine", "local", {"path": "/data"}
    )
    assert outcome.files == ("stacks/team.yaml",)
    assert "    mine: {flavor: local, config: {path: /data}}\n" in team(project)
    stacks.register_stack(
        fresh(project), "mine", {"orchestrator": "default", "artifact_store": "mine"}
    )
    spec = fresh(project).spec
    assert spec.stacks["mine"].components == {"orchestrator": "default", "artifact_store": "mine"}
    assert team(project).startswith(STACK_FILE.splitlines(keepends=True)[0])
    assert "  dev: {orchestrator: local, artifact_store: shared}   # everyday\n" in team(project)


def test_invalid_edit_writes_nothing(project: Project) -> None:
    before = team(project)
    with pytest.raises(ConfigError) as caught:
        components.register_component(project, "artifact_store", "bad", "s3", {"uri": "nope"})
    assert caught.value.diagnostics[0].location.file == "stacks/team.yaml"
    assert team(project) == before
    assert sorted(p.name for p in (project.root / "stacks").iterdir()) == ["team.yaml"]


def test_name_clashes_are_refused(project: Project) -> None:
    with pytest.raises(StackctlError, match="already declared at stacks/team.yaml:4:5"):
        components.register_component(project, "orchestrator", "local", "local", {})
    with pytest.raises(StackctlError, match="stack 'dev' is already declared"):
        stacks.register_stack(project, "dev", {"orchestrator": "local", "artifact_store": "shared"})
    with pytest.raises(StackctlError, match=r"built in"):
        stacks.register_stack(
            project, "default", {"orchestrator": "local", "artifact_store": "shared"}
        )


def test_register_stack_with_missing_component_names_the_known_ones(project: Project) -> None:
    with pytest.raises(NotFoundError) as caught:
        stacks.register_stack(project, "x", {"orchestrator": "nope", "artifact_store": "shared"})
    assert "declared orchestrators: default, local, parallel" in caught.value.hint


def test_unknown_flavor_lists_known_ones(project: Project) -> None:
    with pytest.raises(NotFoundError, match="unknown orchestrator flavor 'k8s'") as caught:
        components.register_component(project, "orchestrator", "x", "k8s", {})
    assert "dask, local, local_parallel" in caught.value.hint


def test_new_file_when_no_stack_file_exists(tmp_path: Path) -> None:
    (tmp_path / "stackctl.yaml").write_text("project: empty\n")
    project = Project(tmp_path)
    outcome = components.register_component(project, "orchestrator", "p", "local_parallel", {})
    assert outcome.files == ("stacks/components.yaml",)
    stacks.register_stack(fresh(project), "s", {"orchestrator": "p", "artifact_store": "default"})
    assert "s" in fresh(project).spec.stacks


def test_new_file_goes_where_include_points(tmp_path: Path) -> None:
    (tmp_path / "stackctl.yaml").write_text("project: x\ninclude: [infra/stacks/*.yaml]\n")
    outcome = components.register_component(Project(tmp_path), "orchestrator", "p", "local", {})
    assert outcome.files == ("infra/stacks/components.yaml",)
    assert "p" in [c.name for c in Project(tmp_path).spec.components.values()]


def test_update_and_unset_component(project: Project) -> None:
    components.update_component(project, "orchestrator", "parallel", config={"max_workers": 8})
    assert "    parallel: {flavor: local_parallel, config: {max_workers: 8}}\n" in team(project)
    components.update_component(fresh(project), "orchestrator", "parallel", unset=("max_workers",))
    assert "    parallel: {flavor: local_parallel}\n" in team(project)
    with pytest.raises(StackctlError, match="no config key 'nope'"):
        components.update_component(fresh(project), "orchestrator", "parallel", unset=("nope",))


def test_update_builtin_default_declares_an_override(project: Project) -> None:
    components.update_component(project, "artifact_store", "default", config={"path": "/elsewhere"})
    assert fresh(project).spec.component("artifact_store", "default").config == {
        "path": "/elsewhere"
    }


def test_delete_component_used_by_a_stack_names_the_stacks(project: Project) -> None:
    with pytest.raises(StackctlError, match="used by stack 'dev'"):
        components.delete_component(project, "artifact_store", "shared")
    with pytest.raises(StackctlError, match="built in"):
        components.delete_component(project, "orchestrator", "default")


def test_delete_stack_then_its_component(project: Project) -> None:
    stacks.delete_stack(project, "cloud")
    components.delete_component(fresh(project), "artifact_store", "s3")
    text = team(project)
    assert "cloud" not in text and "s3" not in text
    assert "# team stacks (keep this comment)" in text


def test_delete_default_and_unknown_stack_are_refused(project: Project) -> None:
    with pytest.raises(StackctlError, match="default stack always exists"):
        stacks.delete_stack(project, "default")
    with pytest.raises(NotFoundError, match="did you mean 'dev'"):
        stacks.delete_stack(project, "deb")


def test_set_needs_an_applied_stack(project: Project) -> None:
    with pytest.raises(NotFoundError, match="declared but not applied") as caught:
        stacks.set_active(project, "dev")
    assert "stackctl apply" in caught.value.hint
    assert project.active_stack() == "default"
    mark_applied(project, "stack.dev")
    stacks.set_active(project, "dev")
    assert (project.root / ".stackctl" / "active_stack").read_text() == "dev\n"
    assert views.active_stack(project) == {"name": "dev", "source": ".stackctl/active_stack"}
    stacks.set_active(project, "default")  # always allowed: it needs nothing created


def test_views_show_applied_active_and_redact_secrets(project: Project) -> None:
    mark_applied(project, "stack.dev", "orchestrator.local")
    listed = views.list_stacks(project)
    assert [(s["name"], s["applied"], s["active"]) for s in listed["stacks"]] == [
        ("default", False, True),
        ("cloud", False, False),
        ("dev", True, False),
    ]
    described = views.describe_stack(project, "cloud")
    store = described["components"][1]
    assert store["config"] == {"uri": "s3://bucket/x", "key": "(sensitive)"}
    assert store["location"] == "stacks/team.yaml:8:5"
    comps = views.list_components(project, "artifact_store")["components"]
    assert [(c["name"], c["stacks"]) for c in comps] == [
        ("default", ["default"]),
        ("s3", ["cloud"]),
        ("shared", ["dev"]),
    ]


def test_export_then_import_into_another_project(project: Project, tmp_path: Path) -> None:
    text = transfer.export_stack(project, "cloud")
    assert "${secret:aws_key}" in text
    other = tmp_path / "other"
    other.mkdir()
    (other / "stackctl.yaml").write_text("project: other\n")
    exported = tmp_path / "cloud.yaml"
    exported.write_text(text)
    outcome = transfer.import_stacks(Project(other), exported)
    assert outcome.files == ("stacks/cloud.yaml",)
    spec = Project(other).spec
    assert spec.stacks["cloud"].components == {"orchestrator": "parallel", "artifact_store": "s3"}
    assert spec.component("artifact_store", "s3").config["key"] == "${secret:aws_key}"


def test_import_clash_needs_rename(project: Project, tmp_path: Path) -> None:
    exported = tmp_path / "dev.yaml"
    exported.write_text(transfer.export_stack(project, "dev").replace("max_workers", "x"))
    with pytest.raises(StackctlError, match="stack 'dev'"):
        transfer.import_stacks(project, exported)
    outcome = transfer.import_stacks(fresh(project), exported, rename="dev2")
    assert "reused the existing orchestrator 'local' (same flavor and config)" in outcome.warnings
    assert fresh(project).spec.stacks["dev2"].components["artifact_store"] == "shared"


def test_import_renames_clashing_components(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "x.yaml"
    source.write_text(
        "components:\n  orchestrator:\n    local: {flavor: local_parallel}\n"
        "stacks:\n  x: {orchestrator: local, artifact_store: default}\n"
    )
    with pytest.raises(StackctlError, match="orchestrator 'local'"):
        transfer.import_stacks(project, source)
    transfer.import_stacks(fresh(project), source, rename="imp")
    spec = fresh(project).spec
    assert spec.stacks["imp"].components["orchestrator"] == "imp_local"
    assert spec.component("orchestrator", "imp_local").flavor == "local_parallel"


def test_import_zenml_export(project: Project) -> None:
    outcome = transfer.import_stacks(project, ZENML / "s3_stack.yaml", rename="from_zenml")
    spec = fresh(project).spec
    stack = spec.stacks["from_zenml"]
    assert stack.components == {
        "orchestrator": "default",
        "artifact_store": "s3-store",
        "experiment_tracker": "mlflow_tracker",
    }
    assert spec.component("artifact_store", "s3-store").config["secret"] == (
        "${secret:aws_creds_secret_key}"
    )
    assert any("aws_creds_access_key" in w for w in outcome.warnings)
    written = (project.root / outcome.files[0]).read_text()
    assert written.startswith("# Imported from s3_stack.yaml (ZenML 0.58.2 stack export)")


def test_import_zenml_list_form(project: Project) -> None:
    transfer.import_stacks(project, ZENML / "list_form.yaml")
    assert fresh(project).spec.stacks["local_list"].components["artifact_store"] == "_1store"


def test_import_zenml_unknown_flavor_is_refused_with_known_list(project: Project) -> None:
    with pytest.raises(StackctlError, match="flavor 'kubernetes' is not available") as caught:
        transfer.import_stacks(project, ZENML / "unknown_flavor.yaml")
    assert "known: dask, local, local_parallel" in caught.value.message
    with pytest.raises(StackctlError, match="kubernetes"):
        transfer.import_stacks(project, ZENML / "unknown_flavor.yaml", skip_unknown=True)


def test_import_zenml_skip_unknown_optional(project: Project) -> None:
    with pytest.raises(StackctlError, match="--skip-unknown"):
        transfer.import_stacks(project, ZENML / "unknown_optional.yaml")
    outcome = transfer.import_stacks(
        fresh(project), ZENML / "unknown_optional.yaml", skip_unknown=True
    )
    assert any(w.startswith("skipped container_registry 'ghcr'") for w in outcome.warnings)
    assert "with_registry" in fresh(project).spec.stacks


def test_file_changed_meanwhile_is_not_overwritten(project: Project, monkeypatch) -> None:
    from stackctl.catalog import files

    real = files.validate_with

    def racing(p, changes):
        spec = real(p, changes)
        (project.root / "stacks" / "team.yaml").write_text(STACK_FILE + "# someone else\n")
        return spec

    monkeypatch.setattr(files, "validate_with", racing)
    with pytest.raises(StackctlError, match="changed while this command was editing"):
        components.register_component(project, "orchestrator", "o", "local", {})
    assert team(project).endswith("# someone else\n")


def test_shipped_example_stacks_accept_edits(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks")
    (tmp_path / "stackctl.yaml").write_text(
        "project: x\ninclude: [stacks/*.yaml]\nvars: {artifacts_dir: .stackctl/a}\n"
    )
    project = Project(tmp_path)
    components.register_component(project, "artifact_store", "my_store", "local", {"path": "p"})
    stacks.register_stack(
        fresh(project), "my_stack", {"orchestrator": "default", "artifact_store": "my_store"}
    )
    assert "my_stack" in fresh(project).spec.stacks
