"""Golden renderings of `stackctl run`: the summary table, `--json`, and the closing
lines of a failed, a Ctrl-C'd and a SIGTERM'd run (run ids, durations, timestamps,
digests and paths normalised)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from support.cli import STACKCTL, call, clean_env
from support.golden import check_golden

GOLDEN = Path(__file__).parents[1] / "data" / "run"

FILES = {
    "stackctl.yaml": "project: golden\ninclude: [stacks/*.yaml, pipelines/*.yaml]\n",
    "stacks/local.yaml": """\
components:
  orchestrator:
    local: {flavor: local}
  artifact_store:
    local: {flavor: local, config: {path: .stackctl/store}}
stacks:
  dev: {orchestrator: local, artifact_store: local}
""",
    "pipelines/scored.yaml": """\
pipelines:
  scored:
    steps:
      load: {function: "steps.work:load"}
      table: {function: "steps.work:table", inputs: {rows: load.output}}
      evaluate: {function: "steps.work:evaluate", inputs: {rows: load.output}}
      name: {function: "steps.work:name"}
  broken:
    steps:
      load: {function: "steps.work:load"}
      explode: {function: "steps.work:explode", inputs: {rows: load.output}}
      after: {function: "steps.work:evaluate", inputs: {rows: explode.output}}
  sleepy:
    steps:
      nap: {function: "steps.work:nap"}
""",
    "steps/__init__.py": "",
    "steps/work.py": """\
import time
from pathlib import Path


def load() -> list[int]:
    return [1, 2, 3, 4]


def table(rows: list[int]):
    import pandas as pd

    return pd.DataFrame({"x": rows, "y": [r * r for r in rows]})


def evaluate(rows: list[int]) -> float:
    return sum(rows) / 4.5


def name() -> str:
    return "iris"


def explode(rows: list[int]) -> int:
    raise ValueError(f"kaboom after {len(rows)} rows")


def nap() -> None:
    Path("napping").touch()
    time.sleep(120)
""",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("golden")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    call([STACKCTL, "apply", "--auto-approve"], cwd=root, env=clean_env())
    return root


def normalise(text: str, root: Path) -> str:
    text = text.replace(str(root.resolve()), "<PROJECT>").replace(str(root), "<PROJECT>")
    text = re.sub(r"\b[0-9a-f]{64}\b", "<SHA256>", text)
    text = re.sub(r"/[0-9a-f]{2}/<SHA256>/", "/<SHA256>/", text)
    text = re.sub(r"\b[0-9a-f]{32}\b", "<RUN>", text)
    text = re.sub(r"\b[0-9a-f]{8}\b", "<RUN8>", text)
    text = re.sub(r"\b\d+\.\d\ds\b", "N.NNs", text)  # same width while under 10 s
    return re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", "<TIME>", text)


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (0.0 if k == "duration_s" and v is not None else _json(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def test_the_summary_table(project: Path) -> None:
    result = call([STACKCTL, "run", "scored", "--no-cache"], cwd=project, env=clean_env())
    check_golden(GOLDEN / "summary.txt", normalise(result.out, project))


def test_run_json_has_steps_and_outputs(project: Path) -> None:
    result = call([STACKCTL, "run", "scored"], cwd=project, env=clean_env())  # cached now
    as_json = call([STACKCTL, "run", "scored", "--json"], cwd=project, env=clean_env())
    shown = json.dumps(_json(as_json.json()), indent=2, sort_keys=True) + "\n"
    check_golden(GOLDEN / "run.json", normalise(shown, project))
    assert "cached" in result.out


def test_a_failed_run_closes_with_the_error_and_the_fix(project: Path) -> None:
    result = call([STACKCTL, "run", "broken", "--no-cache"], cwd=project, env=clean_env(), code=1)
    check_golden(GOLDEN / "failed.txt", normalise(result.out + "---\n" + result.err, project))


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_run_closes_with_a_line_naming_it(
    project: Path, sig: signal.Signals, code: int
) -> None:
    (project / "napping").unlink(missing_ok=True)
    proc = subprocess.Popen(
        [STACKCTL, "run", "sleepy"],
        cwd=project,
        env=clean_env(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (project / "napping").exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    os.kill(proc.pid, sig)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == code, err
    lines = normalise(err, project).splitlines()
    check_golden(GOLDEN / f"stopped_{sig.name.lower()}.txt", lines[-1] + "\n---\n" + out)
