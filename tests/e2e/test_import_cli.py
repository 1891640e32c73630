"""`stackctl import`, `import:` blocks, `stackctl output` and `state mv` as a user runs
them: the real CLI, a real folder and a real S3 API (moto on loopback).

The promise under test: after importing what exists, the next
`plan --detailed-exitcode` exits 0 (no create), reality is never touched, and every
refusal says what is wrong and what to run (goldens in tests/data/imports/).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from plan_apply_helpers import Project, make_project
from support.golden import check_golden
from support.services import s3_client

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "imports"
ADOPTED = """\
    adopted: {flavor: local, config: {path: existing}}  # made by hand, long ago
"""


def golden(name: str, text: str, project: Project) -> None:
    # apply group-commits whatever finished together, so how many serials the first
    # apply took depends on thread timing: the serial is not part of the golden
    text = re.sub(r"\(serial \d+\)", "(serial N)", text)
    check_golden(GOLDEN / name, text.replace(str(project.root.resolve()), "<root>"))


def applied(tmp_path: Path) -> Project:
    """The helpers' project, applied, plus a declared store over a folder that exists."""
    project = make_project(tmp_path / "p")
    project.run("apply", "--auto-approve")
    project.edit("  artifact_store:\n", "  artifact_store:\n" + ADOPTED)
    (project.root / "existing").mkdir()
    (project.root / "existing" / "old-artifact.bin").write_bytes(b"user data")
    return project


def test_import_folder_makes_the_next_plan_a_no_op(tmp_path: Path) -> None:
    project = applied(tmp_path)
    project.run("plan", "--detailed-exitcode", code=2)  # a create, before the import
    out = project.run("import", "artifact_store.adopted", "existing").out
    golden("import_folder.txt", out, project)
    project.run("plan", "--detailed-exitcode", code=0)
    assert (project.root / "existing" / "old-artifact.bin").read_bytes() == b"user data"
    history = project.run("state", "history", "--json").json()
    assert history[-1]["operation"] == "import"
    assert history[-1]["changes"] == [
        {"address": "artifact_store.adopted", "action": ["import"], "id": "existing"}
    ]
    # outputs: all, one resource, one value (raw, for shells), JSON
    golden("output_all.txt", project.run("output").out, project)
    one = project.run("output", "artifact_store.adopted.path").out
    assert one == f"{(project.root / 'existing').resolve()}\n"
    data = project.run("output", "artifact_store.adopted", "--json").json()
    assert data == {"path": str((project.root / "existing").resolve())}
    err = project.run("output", "artifact_store.adopted.nope", code=1).err
    golden("output_no_key.txt", err, project)


@pytest.mark.parametrize(
    ("case", "argv"),
    [
        ("undeclared", ["import", "artifact_store.adoptd", "existing"]),
        ("other_folder", ["import", "artifact_store.adopted", "elsewhere"]),
        ("record_only", ["import", "stack.dev", "dev"]),
        ("already_in_state", ["import", "artifact_store.local", ".stackctl/store-a"]),
    ],
)
def test_import_refusals(tmp_path: Path, case: str, argv: list[str]) -> None:
    project = applied(tmp_path)
    before = project.run("state", "history", "--json").json()
    err = project.run(*argv, code=1).err
    golden(f"refuse_{case}.txt", err, project)
    assert project.run("state", "history", "--json").json() == before  # nothing committed


def test_import_of_a_missing_folder_is_refused(tmp_path: Path) -> None:
    project = applied(tmp_path)
    (project.root / "existing" / "old-artifact.bin").unlink()
    (project.root / "existing").rmdir()
    err = project.run("import", "artifact_store.adopted", "existing", code=1).err
    golden("refuse_missing_folder.txt", err, project)
    assert not (project.root / "existing").exists()  # import never creates


def test_import_bucket_from_moto(tmp_path: Path, s3_endpoint: str) -> None:
    project = make_project(tmp_path / "p")
    project.run("apply", "--auto-approve")
    s3 = s3_client(s3_endpoint)
    s3.create_bucket(Bucket="team-artifacts")
    s3.put_object(Bucket="team-artifacts", Key="ml/keep.txt", Body=b"keep")
    store = (
        "    bucket: {flavor: s3, config: {uri: s3://team-artifacts/ml, "
        f"endpoint_url: '{s3_endpoint}', key: testing, secret: testing}}}}\n"
    )
    project.edit("  artifact_store:\n", "  artifact_store:\n" + store)
    missing = project.run("import", "artifact_store.bucket", "s3://other/ml", code=1).err
    assert "import id 's3://other/ml' is not the S3 location the config declares" in missing
    out = project.run("import", "artifact_store.bucket", "s3://team-artifacts/ml").out
    golden("import_bucket.txt", out, project)
    project.run("plan", "--detailed-exitcode", code=0)
    assert s3.get_object(Bucket="team-artifacts", Key="ml/keep.txt")["Body"].read() == b"keep"
    listed = project.run("output", "artifact_store.bucket", "--json").json()
    assert listed == {"bucket": "team-artifacts", "uri": "s3://team-artifacts/ml"}


def test_import_of_a_missing_bucket_is_refused(tmp_path: Path, s3_endpoint: str) -> None:
    project = make_project(tmp_path / "p")
    store = (
        "    bucket: {flavor: s3, config: {uri: s3://never-made, "
        f"endpoint_url: '{s3_endpoint}', key: testing, secret: testing}}}}\n"
    )
    project.edit("  artifact_store:\n", "  artifact_store:\n" + store)
    err = project.run("import", "artifact_store.bucket", "never-made", code=1).err
    check_golden(GOLDEN / "refuse_missing_bucket.txt", err.replace(s3_endpoint, "<endpoint>"))
    assert "never-made" not in [b["Name"] for b in s3_client(s3_endpoint).list_buckets()["Buckets"]]


def test_import_block_is_planned_then_applied(tmp_path: Path) -> None:
    project = applied(tmp_path)
    text = project.stacks.read_text() + "import:\n  - {to: artifact_store.adopted, id: existing}\n"
    project.stacks.write_text(text)
    plan = project.run("plan", "--detailed-exitcode", code=2).out
    golden("plan_import_block.txt", plan, project)
    data = project.run("plan", "--json").json()
    [change] = data["resource_changes"]
    assert change["importing"] == {"id": "existing"}
    assert data["summary"]["import"] == 1 and data["summary"]["add"] == 0
    markdown = project.run("plan", "--format", "markdown").out
    assert "| import (`=`) | 1 |" in markdown
    assert "<summary><code>=</code> artifact_store.adopted will be imported: " in markdown
    assert "#### Import (1)" in markdown
    project.run("plan", "--out", "import.plan")
    out = project.run("apply", "import.plan").out
    assert "artifact_store.adopted: imported" in out
    assert "Apply complete! Resources: 1 imported, 0 added" in out
    project.run("plan", "--detailed-exitcode", code=0)  # the block is now a no-op
    assert project.run("state", "history", "--json").json()[-1]["changes"] == [
        {"address": "artifact_store.adopted", "action": ["import"]}
    ]


def test_import_block_errors_have_locations(tmp_path: Path) -> None:
    project = applied(tmp_path)
    text = project.stacks.read_text() + (
        "import:\n"
        "  - {to: artifact_store.adoptd, id: existing}\n"
        "  - {to: artifact_store.adopted, id: existing}\n"
        "  - {to: artifact_store.adopted, id: again}\n"
        "  - {to: artifact_store.local}\n"
    )
    project.stacks.write_text(text)
    err = project.run("validate", code=1).err
    golden("validate_import_blocks.txt", err, project)


def test_state_mv(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    golden("output_none.txt", project.run("output").out, project)  # nothing applied yet
    project.run("apply", "--auto-approve")
    dry = project.run("state", "mv", "artifact_store.local", "artifact_store.main", "--dry-run")
    assert (
        dry.out
        == "Would move artifact_store.local to artifact_store.main (dry run: state is unchanged).\n"
    )
    assert "artifact_store.local" in project.run("state", "list").out
    for case, argv in (
        ("mv_types_differ", ["artifact_store.local", "orchestrator.local2"]),
        ("mv_exists", ["orchestrator.local", "orchestrator.parallel"]),
        ("mv_unknown", ["artifact_store.lcal", "artifact_store.x"]),
    ):
        golden(f"{case}.txt", project.run("state", "mv", *argv, code=1).err, project)
    out = project.run("state", "mv", "artifact_store.local", "artifact_store.main").out
    assert out.startswith("Moved artifact_store.local to artifact_store.main in state (serial ")
    listed = {r["address"] for r in project.run("state", "list", "--json").json()}
    assert "artifact_store.main" in listed and "artifact_store.local" not in listed
    entry = project.run("state", "history", "--json").json()[-1]
    assert (entry["operation"], entry["summary"]) == (
        "state mv",
        "moved artifact_store.local to artifact_store.main",
    )
    # the config still says `local`: the plan creates it again and drops `main`
    plan = json.loads(project.run("plan", "--json").out)
    actions = {c["address"]: c["actions"] for c in plan["resource_changes"]}
    assert actions["artifact_store.local"] == ["create"]
    assert actions["artifact_store.main"] == ["delete"]


def test_import_block_with_a_wrong_id_fails_the_plan(tmp_path: Path) -> None:
    project = applied(tmp_path)
    text = project.stacks.read_text() + "import:\n  - {to: artifact_store.adopted, id: elsewhere}\n"
    project.stacks.write_text(text)
    err = project.run("plan", code=1).err
    golden("plan_import_block_wrong_id.txt", err, project)
    # --no-refresh does not look at reality: the apply then checks it and commits nothing
    project.run("plan", "--no-refresh", "--out", "blind.plan")
    serial = len(project.run("state", "history", "--json").json())
    assert "is not the folder the config declares" in project.run("apply", "blind.plan", code=1).err
    assert len(project.run("state", "history", "--json").json()) == serial
