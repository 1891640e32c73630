"""`make demo`: the main job, run with the project's own CLI as a user would."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STACKCTL = str(Path(sys.executable).with_name("stackctl"))


def sh(*args: str, cwd: Path = ROOT) -> None:
    print(f"$ stackctl {' '.join(args)}", flush=True)
    subprocess.run([STACKCTL, *args], cwd=cwd, check=True)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="stackctl-demo-") as tmp:
        sh("init", cwd=Path(tmp))
        sh("validate", cwd=Path(tmp))
    sh("validate")
    sh("flavor", "list")


if __name__ == "__main__":
    main()
