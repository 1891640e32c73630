"""Issue 13, plan side: output paths never clobbered, forged or hostile plan files refused."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from plan_apply_helpers import make_project

from stackctl.engine import planfile


@pytest.fixture
def project(tmp_path: Path):
    return make_project(tmp_path / "p")


def _reseal(doc: dict) -> str:
    """What a forger does: recompute the unkeyed checksum over the edited document."""
    doc.pop("checksum", None)
    doc["checksum"] = planfile._checksum(doc)
    return json.dumps(doc, indent=2)


def test_plan_out_refuses_the_project_file_and_non_plan_files(project):
    before = (project.root / "stackctl.yaml").read_bytes()
    r = project.run("plan", "--out", "stackctl.yaml", code=1)
    assert "refusing to replace stackctl.yaml: it is not a stackctl plan file" in r.err
    assert (project.root / "stackctl.yaml").read_bytes() == before
    (project.root / "notes.json").write_text('{"mine": 1}\n')
    project.run("plan", "--out", "notes.json", code=1)
    assert (project.root / "notes.json").read_text() == '{"mine": 1}\n'


def test_plan_out_refuses_a_folder_a_fifo_and_a_device(project, tmp_path):
    (project.root / "d").mkdir()
    assert "it is a folder" in project.run("plan", "--out", "d", code=1).err
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert "named pipe" in project.run("plan", "--out", str(fifo), code=1).err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    r = project.run("plan", "--out", "/dev/null", code=1)
    assert "cannot write plan file /dev/null: it is a device, not a file to replace" in r.err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_plan_out_replaces_a_previous_plan_or_an_empty_file(project):
    project.run("plan", "--out", "p.json")
    project.run("plan", "--out", "p.json")
    (project.root / "empty.json").write_text("")
    project.run("plan", "--out", "empty.json")
    assert json.loads((project.root / "empty.json").read_text())["checksum"]


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_plan_out_to_stdout_writes_the_plan_file(project, name):
    r = project.run("plan", "--out", name)
    (project.root / "p.json").write_text(r.out)
    assert planfile.load(project.root / "p.json").changes
    assert "Saved" not in r.err


def test_a_forged_plan_is_refused_and_creates_nothing(project, tmp_path):
    project.run("plan", "--out", "p.json")
    doc = json.loads((project.root / "p.json").read_text())
    outside = tmp_path / "outside"
    forged = 0
    for change in doc["resource_changes"]:
        if change["after"] and "path" in change["after"]["config"]:
            change["after"]["config"]["path"] = str(outside)
            forged += 1
    assert forged
    (project.root / "forged.json").write_text(_reseal(doc))
    r = project.run("apply", "forged.json", code=4)
    assert r.err.startswith("error: stale or foreign plan: its values for artifact_store.")
    assert "Traceback" not in r.err
    assert not outside.exists()
    assert "artifact_store" not in project.run("state", "list", code=None).out
    project.run("apply", "p.json")  # the genuine plan still applies


def test_a_plan_adding_an_undeclared_resource_or_deleting_a_declared_one_is_refused(project):
    project.run("plan", "--out", "p.json")
    doc = json.loads((project.root / "p.json").read_text())
    extra = json.loads(json.dumps(doc["resource_changes"][0]))
    extra["address"] = extra["after"]["type"] + ".evil"
    extra["after"]["name"] = "evil"
    doc["resource_changes"].append(extra)
    (project.root / "f1.json").write_text(_reseal(doc))
    assert "which no config declares" in project.run("apply", "f1.json", code=4).err
    project.run("apply", "p.json")
    project.run("plan", "--out", "empty.json")
    doc = json.loads((project.root / "empty.json").read_text())
    address = "orchestrator.local"
    doc["resource_changes"] = [
        {
            "address": address,
            "type": "orchestrator",
            "name": "local",
            "actions": ["delete"],
            "reason": "x",
            "before": {
                "type": "orchestrator",
                "name": "local",
                "flavor": "local",
                "config": {},
                "outputs": {},
                "lifecycle": {"prevent_destroy": False},
                "depends_on": [],
            },
            "after": None,
            "attributes": [],
        }
    ]
    (project.root / "f2.json").write_text(_reseal(doc))
    assert "which the configuration declares" in project.run("apply", "f2.json", code=4).err


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (_nested(100_000), "nested too deeply"),
        ('{"serial": ' + "9" * 5000 + "}", "not a valid plan file"),
        ("\xff\xfe", "cannot read"),
    ],
)
def test_malformed_plan_files_are_one_line_errors(project, text, says):
    (project.root / "bad.json").write_bytes(text.encode("latin-1"))
    r = project.run("apply", "bad.json", code=1)
    assert says in r.err
    assert "unexpected error" not in r.err and "Traceback" not in r.err


def test_a_fifo_plan_file_is_refused_without_blocking(project, tmp_path):
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    r = project.run("apply", str(fifo), code=1, timeout=20)
    assert "not a regular file" in r.err
