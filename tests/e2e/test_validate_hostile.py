"""Hostile input through the real CLI: a 50 MB file and a deep document, generated here.

(The small hostile cases - alias bomb, tabs, non-UTF-8, empty file, nesting - are golden
cases in tests/data/invalid/.) Each must end in one located error and exit code 1,
without a traceback, and without the process growing with the input.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import STACKCTL, clean_env

# Runs stackctl as the only child of a fresh interpreter and reports the child's peak RSS.
PROBE = """
import json, resource, subprocess, sys
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": r.returncode, "stderr": r.stderr, "peak_mb": peak_kb / 1024}))
"""


def validate(project: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, STACKCTL, "validate"],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    data: dict[str, object] = json.loads(result.stdout)
    return data


def project(tmp_path: Path) -> Path:
    (tmp_path / "stackctl.yaml").write_text("project: hostile\n")
    (tmp_path / "stacks").mkdir()
    return tmp_path


@pytest.mark.timeout(60)
def test_a_50_mb_stack_file(tmp_path: Path) -> None:
    root = project(tmp_path)
    line = b"  key_%08d: {flavor: local, config: {path: /some/long/enough/path}}\n"
    with (root / "stacks" / "big.yaml").open("wb") as fh:
        fh.write(b"components:\n orchestrator:\n")
        chunk = b"".join(line % i for i in range(20_000))
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    result = validate(root)
    assert result["rc"] == 1
    stderr = str(result["stderr"])
    assert stderr.startswith("stacks/big.yaml:1:1: error: file is 5")
    assert "bytes; the limit is 1,048,576\n  hint: split it into several files" in stderr
    assert "Traceback" not in stderr
    assert float(str(result["peak_mb"])) < 200  # the file is never read into memory


@pytest.mark.timeout(60)
def test_a_document_nested_a_million_levels_deep(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "stacks" / "deep.yaml").write_text("components: " + "[" * 1_000_000 + "\n")
    result = validate(root)
    assert result["rc"] == 1
    assert str(result["stderr"]).startswith(
        "stacks/deep.yaml:1:77: error: document is nested deeper than 64 levels\n"
    )
    assert float(str(result["peak_mb"])) < 200
