"""CI cannot go green by accident: a missing service fails under CI (it skips locally),
and goldens are rewritten only with STACKCTL_UPDATE_GOLDEN=1, never under CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.golden import check_golden
from support.services import free_port

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
def test_needs_postgres(pg_url):
    assert pg_url
"""


def run_probe(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    probe = ROOT / "tests" / "e2e" / f"test_probe_{os.getpid()}_{tmp_path.name}.py"
    probe.write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["STACKCTL_TEST_PG"] = f"postgresql://postgres@127.0.0.1:{free_port()}"  # closed
    if ci:
        env["CI"] = "true"
    try:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        probe.unlink()


def test_missing_postgres_skips_locally(tmp_path: Path) -> None:
    result = run_probe(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout


def test_missing_postgres_fails_under_ci(tmp_path: Path) -> None:
    result = run_probe(tmp_path, ci=True)
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout or "1 error" in result.stdout  # fails in its fixture
    assert "skipped" not in result.stdout
    assert "CI: no PostgreSQL server answers" in result.stdout


def test_update_zero_rewrites_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("STACKCTL_UPDATE_GOLDEN", "0")
    golden = tmp_path / "g.txt"
    golden.write_text("old\n")
    with pytest.raises(AssertionError):
        check_golden(golden, "new\n")
    assert golden.read_text() == "old\n"


def test_missing_golden_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STACKCTL_UPDATE_GOLDEN", raising=False)
    with pytest.raises(pytest.fail.Exception, match="missing golden"):
        check_golden(tmp_path / "absent.txt", "text\n")
    assert not (tmp_path / "absent.txt").exists()


def test_update_one_rewrites_locally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("STACKCTL_UPDATE_GOLDEN", "1")
    check_golden(tmp_path / "new.txt", "text\n")
    assert (tmp_path / "new.txt").read_text() == "text\n"


def test_update_is_refused_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("STACKCTL_UPDATE_GOLDEN", "1")
    golden = tmp_path / "g.txt"
    golden.write_text("old\n")
    with pytest.raises(pytest.fail.Exception, match="under CI"):
        check_golden(golden, "new\n")
    assert golden.read_text() == "old\n"
