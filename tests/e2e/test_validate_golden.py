"""Golden tests: `stackctl validate` on each broken project in tests/data/invalid/.

Each case is a small project folder `<case>/` beside `<case>.expected`, the exact stderr.
An optional `<case>/args` file holds extra command-line arguments. The project is copied
to a temporary folder first, so no case can find the repository's own stackctl.yaml.
Regenerate the golden files after a deliberate wording change with
`STACKCTL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/e2e/test_validate_golden.py`.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.golden import check_golden, read_golden

DATA = Path(__file__).resolve().parents[1] / "data" / "invalid"
STACKCTL = str(Path(sys.executable).with_name("stackctl"))
CASES = sorted(p.name for p in DATA.iterdir() if p.is_dir())


def run(case: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    project = tmp_path / case
    shutil.copytree(DATA / case, project, ignore=shutil.ignore_patterns("args"))
    args_file = DATA / case / "args"
    args = shlex.split(args_file.read_text()) if args_file.exists() else []
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKCTL_")}
    result = subprocess.run(
        [STACKCTL, "validate", *args, *extra],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Whole-path messages (no stackctl.yaml found) name the temporary folder.
    result.stderr = result.stderr.replace(str(project.resolve()), "<project>")
    result.stdout = result.stdout.replace(str(project.resolve()), "<project>")
    return result


@pytest.fixture(scope="module")
def results(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, bool], subprocess.CompletedProcess[str]]:
    """Every case run once as text and once with --json, a few at a time (saves ~2/3)."""
    jobs = [(case, as_json) for case in CASES for as_json in (False, True)]
    tmp_path_factory.getbasetemp()  # made lazily: threads racing to make it get different ones

    def one(job: tuple[str, bool]) -> subprocess.CompletedProcess[str]:
        case, as_json = job
        folder = tmp_path_factory.mktemp(case)
        return run(case, folder, *(["--json"] if as_json else []))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(jobs, pool.map(one, jobs), strict=True))


def test_every_case_has_a_golden_file() -> None:
    expected = sorted(p.stem for p in DATA.glob("*.expected"))
    assert expected == CASES


@pytest.mark.parametrize("case", CASES)
def test_validate_stderr_is_exact(case: str, results: dict) -> None:
    result = results[(case, False)]
    golden = DATA / f"{case}.expected"
    check_golden(golden, result.stderr)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", CASES)
def test_validate_json_matches_text(case: str, results: dict) -> None:
    result = results[(case, True)]
    assert result.returncode == 1
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["valid"] is False
    errors = data["errors"]
    assert errors
    for error in errors:
        assert set(error) == {"file", "line", "column", "pointer", "message", "hint"}
        assert isinstance(error["line"], int) and isinstance(error["column"], int)
        assert "\n" not in error["message"]
        # Inside a file, a problem always has a line (whole-file problems point at 1:1);
        # only --var problems and "no stackctl.yaml" have no file position.
        if error["file"] not in ("--var", ""):
            assert error["line"] >= 1 and error["column"] >= 1, error
    # The same diagnostics, in the same order, as the human output.
    text = read_golden(DATA / f"{case}.expected").splitlines()
    heads = [line for line in text if not line.startswith("  hint: ")]
    if heads[-1].endswith("run `stackctl validate`"):
        heads.pop()  # the "N errors found" summary
    rendered = []
    for e in errors:
        where = e["file"] if e["line"] <= 0 else f"{e['file']}:{e['line']}:{e['column']}"
        rendered.append(f"{where}: error: {e['message']}" if where else f"error: {e['message']}")
    assert rendered == heads


def test_repository_example_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [STACKCTL, "validate"], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: ")
