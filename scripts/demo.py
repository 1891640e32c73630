"""`make demo`: the main job, driven through the real CLI as a user would type it.

A fresh copy of the example project goes to .stackctl/demo (git-ignored), so the demo
always starts from empty state and leaves something to explore afterwards:

    validate -> plan -> apply -> run training (default stack)
    -> stack set parallel -> run training again (process pool) -> runs list
    -> model versions -> promote version 1 to production -> model show
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / ".stackctl" / "demo"
BIN = Path(sys.executable).parent
STACKCTL = str(BIN / "stackctl")


def sh(*args: str, capture: bool = False) -> str:
    print(f"\n$ stackctl {' '.join(args)}", flush=True)
    result = subprocess.run(
        [STACKCTL, *args],
        cwd=DEMO,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    if capture:
        print(result.stdout, end="", flush=True)
    return result.stdout or ""


def fresh_project() -> None:
    shutil.rmtree(DEMO, ignore_errors=True)
    (DEMO / "stacks").mkdir(parents=True)
    shutil.copy(ROOT / "stackctl.yaml", DEMO / "stackctl.yaml")
    # Only the stacks that run on this machine: cluster stacks need a scheduler and S3.
    shutil.copy(ROOT / "stacks" / "local.yaml", DEMO / "stacks" / "local.yaml")
    shutil.copytree(
        ROOT / "pipelines", DEMO / "pipelines", ignore=shutil.ignore_patterns("__pycache__")
    )


def run_id(output: str) -> str:
    # the closing line, after the step summary: `run <id> on stack <name>: <status>`
    return output.splitlines()[-1].split()[1]


def main() -> None:
    os.environ.pop("STACKCTL_STACK", None)
    print(f"demo project: {DEMO}")
    fresh_project()
    sh("validate")
    sh("plan")
    sh("apply", "--auto-approve")
    first = run_id(sh("run", "training", capture=True))
    sh("stack", "set", "parallel")
    second = run_id(sh("run", "training", "--no-cache", capture=True))
    sh("runs", "list")
    sh("artifacts", "get", first[:8], "evaluate.output")
    # each completed run of `training` (model: iris_classifier) made a model version
    sh("model", "versions", "iris_classifier")
    sh("model", "promote", "iris_classifier", "1", "--stage", "production")
    sh("model", "show", "iris_classifier:production")
    print(
        "\nDone."
        f"\n  run on stack default:  {first}"
        f"\n  run on stack parallel: {second}"
        f"\n  explore them:          cd {DEMO.relative_to(ROOT)} && {STACKCTL} runs show {first[:8]}"
        f"\n  dashboard:             cd {DEMO.relative_to(ROOT)} && {STACKCTL} dashboard"
        "  ->  http://127.0.0.1:8237/"
    )


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as exc:
        sys.exit(f"demo failed: `{' '.join(map(str, exc.cmd))}` exited {exc.returncode}")
