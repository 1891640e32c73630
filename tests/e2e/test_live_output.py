"""A step's print and logging.info reach the terminal while the run is still going."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import STACKCTL, clean_env
from support.projects import three_orchestrator_stacks, write_files

FILES = {
    "stackctl.yaml": "project: live\ninclude: [stacks/*.yaml, pipelines/*.yaml]\n",
    "stacks/stacks.yaml": three_orchestrator_stacks(pool_workers=2, pool_stack="parallel"),
    "pipelines/live.yaml": """\
pipelines:
  live:
    steps:
      talk: {function: "steps.live:talk"}
      slow: {function: "steps.live:slow", inputs: {x: talk.output}}
""",
    "steps/__init__.py": "",
    "steps/live.py": """\
import logging
import sys
import time


def talk() -> int:
    print("hello from talk")
    logging.info("an info record")
    sys.stderr.write("partial ")
    sys.stderr.write("line\\n")
    print("no newline at the end", end="")
    return 1


def slow(x: int) -> int:
    time.sleep(4)
    return x
""",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_files(tmp_path, FILES)


def _stackctl(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [STACKCTL, *args],
        cwd=project,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stack", ["default", "parallel", "cluster"])
def test_step_lines_stream_before_the_run_ends(project: Path, stack: str) -> None:
    if stack != "default":
        subprocess.run(
            [STACKCTL, "apply", "--auto-approve"],
            cwd=project,
            env=clean_env(),
            check=True,
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
    proc = _stackctl(project, "run", "live", "--stack", stack)
    assert proc.stderr is not None
    seen: list[str] = []
    # `slow` sleeps 4 s after `talk`: talk's lines must arrive while the run still goes
    for line in proc.stderr:
        seen.append(line.rstrip("\n"))
        if "an info record" in line:
            break
    still_running = proc.poll() is None
    # read the rest through the same buffered stream: communicate() reads the pipe's fd
    # directly and would miss what the line iterator had already buffered
    seen += proc.stderr.read().splitlines()
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.wait(timeout=60)
    assert still_running, seen
    assert proc.returncode == 0, seen
    assert "talk | hello from talk" in seen
    assert "talk | INFO root: an info record" in seen
    assert "talk | partial line" in seen
    assert "talk | no newline at the end" in seen
    assert "hello from talk" not in out  # step lines are stderr: stdout is the result


def test_quiet_hides_step_lines_and_json_stdout_is_pure(project: Path) -> None:
    quiet = _stackctl(project, "run", "live", "--quiet", "--no-cache")
    _, err = quiet.communicate(timeout=60)
    assert quiet.returncode == 0 and "talk |" not in err
    assert "step talk] completed" in err  # progress is still shown
    as_json = _stackctl(project, "run", "live", "--json", "--no-cache")
    out, err = as_json.communicate(timeout=60)
    assert json.loads(out)["status"] == "completed"
    assert "hello from talk" not in out + err


def test_the_log_still_has_every_line(project: Path) -> None:
    run = _stackctl(project, "run", "live", "--json", "--no-cache")
    out, _ = run.communicate(timeout=60)
    logs = _stackctl(project, "runs", "logs", json.loads(out)["id"], "talk")
    text, _ = logs.communicate(timeout=60)
    assert "hello from talk" in text and "an info record" in text
    assert "talk | " not in text  # the terminal prefix never leaks into the log


def test_an_sdk_script_streams_its_steps_lines(project: Path) -> None:
    (project / "script.py").write_text(
        "from stackctl import pipeline, step\n\n"
        "@step\ndef talk() -> int:\n    print('sdk hello')\n    return 1\n\n"
        "@pipeline(name='sdklive')\ndef sdklive() -> None:\n    talk()\n\n"
        "if __name__ == '__main__':\n    sdklive()\n"
    )
    proc = subprocess.run(
        [sys.executable, "script.py"],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    assert "talk | sdk hello" in proc.stderr.splitlines(), proc.stderr


def test_the_summary_shows_outputs_and_a_failure_shows_its_traceback(project: Path) -> None:
    (project / "steps/live.py").write_text(
        (project / "steps/live.py").read_text()
        + "\n\ndef score(x: int) -> float:\n    return 0.96666\n"
        + "\n\ndef explode(x: int) -> int:\n    raise ValueError('kaboom in explode')\n"
    )
    (project / "pipelines/more.yaml").write_text(
        "pipelines:\n"
        "  scored:\n    steps:\n"
        "      talk: {function: 'steps.live:talk'}\n"
        "      score: {function: 'steps.live:score', inputs: {x: talk.output}}\n"
        "  broken:\n    steps:\n"
        "      explode: {function: 'steps.live:explode', params: {x: 1}}\n"
    )
    ok = _stackctl(project, "run", "scored")
    out, _ = ok.communicate(timeout=60)
    [score] = [line for line in out.splitlines() if line.startswith("score ")]
    assert score.split() == ["score", "completed", score.split()[2], "output=0.9667"]
    as_json = _stackctl(project, "run", "scored", "--json")
    out, _ = as_json.communicate(timeout=60)
    steps = {s["step"]: s for s in json.loads(out)["steps"]}
    assert steps["score"]["cached"] is True
    assert steps["score"]["outputs"][0]["preview"] == "0.9667"
    assert steps["score"]["outputs"][0]["type"] == "float"
    bad = _stackctl(project, "run", "broken")
    _, err = bad.communicate(timeout=60)
    assert bad.returncode == 1, err
    assert "explode | ValueError: kaboom in explode" in err.splitlines()
    assert any(line.startswith("explode |     raise ValueError") for line in err.splitlines())


def test_artifacts_get_takes_a_step_with_one_output(project: Path) -> None:
    run = _stackctl(project, "run", "live", "--json")
    out, _ = run.communicate(timeout=60)
    run_id = json.loads(out)["id"]
    got = _stackctl(project, "artifacts", "get", run_id, "slow")
    out, err = got.communicate(timeout=60)
    assert (got.returncode, out) == (0, "1\n"), err
    missing = _stackctl(project, "artifacts", "get", run_id, "nosuch")
    _, err = missing.communicate(timeout=60)
    assert missing.returncode == 1
    assert f"step 'nosuch' of run {run_id[:8]} has no outputs" in err
