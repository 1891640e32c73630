"""`stackctl stack ...` and the component commands, run in-process through main().

Human output and `--output json` are compared with golden files in tests/data/cli/
(regenerate with STACKCTL_UPDATE_GOLDEN=1 and review the diff).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support.golden import check_golden

from stackctl.cli.app import main
from stackctl.model import Resource
from stackctl.project import Project

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "cli"
STACK_FILE = """\
components:
  orchestrator:
    local: {flavor: local}
    parallel: {flavor: local_parallel, config: {max_workers: 4}}
  artifact_store:
    shared: {flavor: local, config: {path: .stackctl/shared}}
    s3: {flavor: s3, config: {uri: "s3://bucket/x", key: "${secret:aws_key}"}}
stacks:
  dev: {orchestrator: local, artifact_store: shared}
  cloud: {orchestrator: parallel, artifact_store: s3, lifecycle: {prevent_destroy: true}}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "stackctl.yaml").write_text("project: demo\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "team.yaml").write_text(STACK_FILE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STACKCTL_STACK", raising=False)
    monkeypatch.delenv("STACKCTL_ERROR_FORMAT", raising=False)
    store = Project(tmp_path).state()
    with store.lock("test"):
        store.commit(
            upserts=[Resource("stack.dev", "stack", "dev", None, {})],
            operation="apply",
            who="test",
            summary="test",
        )
    store.close()
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    old = sys.argv
    sys.argv = ["stackctl", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out, err


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    check_golden(path, text)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("stack_list.txt", ["stack", "list"]),
        ("stack_list.json", ["stack", "list", "--output", "json"]),
        ("stack_list.yaml", ["stack", "list", "-o", "yaml"]),
        ("stack_describe.txt", ["stack", "describe", "cloud"]),
        ("stack_describe.json", ["stack", "describe", "cloud", "-o", "json"]),
        ("component_list.txt", ["component", "list"]),
        ("component_list.json", ["component", "list", "--type", "artifact_store", "-o", "json"]),
        ("orchestrator_describe.txt", ["orchestrator", "describe", "parallel"]),
        ("stack_export.yaml", ["stack", "export", "cloud"]),
    ],
)
def test_read_commands_match_golden(project: Path, capsys, name: str, args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert (code, err) == (0, "")
    golden(name, out)
    if name.endswith(".json"):
        json.loads(out)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("set_not_applied.txt", ["stack", "set", "cloud"]),
        ("set_undeclared.txt", ["stack", "set", "clod"]),
        ("delete_default.txt", ["stack", "delete", "default"]),
        ("delete_used_component.txt", ["artifact-store", "delete", "shared"]),
        ("register_clash.txt", ["stack", "register", "dev", "-o", "local", "-a", "shared"]),
        (
            "register_bad_value.txt",
            ["orchestrator", "register", "p", "-f", "local_parallel", "--max-workers", "many"],
        ),
        (
            "register_wrong_setting.txt",
            ["orchestrator", "register", "p", "-f", "dask", "--config", "max_workers=2"],
        ),
        (
            "register_invalid_config.txt",
            ["artifact-store", "register", "b", "-f", "s3", "--uri", "ftp://x"],
        ),
        ("unknown_type.txt", ["component", "list", "--type", "orchestrators"]),
    ],
)
def test_errors_match_golden(project: Path, capsys, name: str, args: list[str]) -> None:
    before = (project / "stacks" / "team.yaml").read_text()
    code, out, err = run(capsys, *args)
    assert (code, out) == (1, "")
    golden("errors/" + name, err)
    assert (project / "stacks" / "team.yaml").read_text() == before


def test_register_with_flavor_options_then_update(project: Path, capsys) -> None:
    code, out, _ = run(
        capsys,
        "orchestrator",
        "register",
        "dk",
        "--flavor",
        "dask",
        "--n-workers",
        "3",
        "--no-processes",
        "--address",
        "null",
    )
    assert code == 0
    assert out == (
        "Registered orchestrator 'dk' (flavor dask) in stacks/team.yaml.\n"
        "Next:\n  stackctl plan\n  stackctl apply\n"
    )
    text = (project / "stacks" / "team.yaml").read_text()
    assert (
        "    dk: {flavor: dask, config: {address: null, n_workers: 3, processes: false}}\n" in text
    )
    code, out, _ = run(
        capsys, "orchestrator", "update", "dk", "--n-workers", "5", "--unset", "address"
    )
    assert code == 0
    text = (project / "stacks" / "team.yaml").read_text()
    assert "    dk: {flavor: dask, config: {n_workers: 5, processes: false}}\n" in text


def test_generic_component_register(project: Path, capsys) -> None:
    code, _, err = run(
        capsys,
        "component",
        "register",
        "experiment_tracker",
        "mlf",
        "--flavor",
        "mlflow",
        "--config",
        "tracking_uri=http://127.0.0.1:5000",
    )
    assert (code, err) == (0, "")
    code, out, _ = run(capsys, "experiment-tracker", "describe", "mlf", "-o", "json")
    assert json.loads(out)["config"] == {"tracking_uri": "http://127.0.0.1:5000"}


def test_stack_register_with_optional_types_and_delete(project: Path, capsys) -> None:
    run(capsys, "experiment-tracker", "register", "mlf", "-f", "mlflow")
    code, out, _ = run(
        capsys, "stack", "register", "full", "-o", "local", "-a", "shared", "-e", "mlf"
    )
    assert code == 0
    assert out.endswith("Next:\n  stackctl plan\n  stackctl apply\n  stackctl stack set full\n")
    code, out, _ = run(capsys, "stack", "describe", "full", "-o", "json")
    assert [c["type"] for c in json.loads(out)["components"]] == [
        "orchestrator",
        "artifact_store",
        "experiment_tracker",
    ]
    code, out, _ = run(capsys, "stack", "delete", "full")
    assert code == 0 and "full" not in (project / "stacks" / "team.yaml").read_text()


def test_set_and_get(project: Path, capsys, monkeypatch) -> None:
    assert run(capsys, "stack", "set", "dev")[0] == 0
    assert run(capsys, "stack", "get")[1] == "dev\n"
    code, out, _ = run(capsys, "stack", "list")
    assert "*       dev" in out
    monkeypatch.setenv("STACKCTL_STACK", "cloud")
    assert json.loads(run(capsys, "stack", "get", "-o", "json")[1]) == {
        "name": "cloud",
        "source": "$STACKCTL_STACK",
    }


def test_help_lists_flavor_options_with_descriptions(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "artifact-store", "register", "--help")
    assert code == 0
    assert "--path" in out and "Folder for artifacts" in out and "[local]" in out
    assert "--uri" in out and "[fsspec, s3]" in out
    code, out, _ = run(capsys, "orchestrator", "register", "--help")
    assert "--max-workers INT" in out and "--processes / --no-processes" in out


def test_every_component_type_has_its_group(project: Path, capsys) -> None:
    from stackctl.model import COMPONENT_TYPES

    for type_ in COMPONENT_TYPES:
        code, out, _ = run(capsys, type_.replace("_", "-"), "--help")
        assert code == 0
        for verb in ("register", "list", "describe", "update", "delete"):
            assert verb in out
