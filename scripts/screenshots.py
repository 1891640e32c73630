"""README screenshots of the dashboard: `.venv/bin/python scripts/screenshots.py`.

Copies the example project (stackctl.yaml, stacks/, pipelines/) to a temporary folder,
applies it (`stackctl apply --auto-approve`), runs the iris `training` pipeline for real on
the `dev` stack (twice: the second run is served from cache), serves the dashboard on a free loopback port and saves the Stack and
Run pages as docs/img/dashboard-stack.png and docs/img/dashboard-run.png, the artifact page
of iris_data:1 (its DataFrame visualizations) as docs/img/dashboard-artifact.png, and the
Models page and iris_classifier version 1 as docs/img/dashboard-models.png and
docs/img/dashboard-model-version.png, with Debian's Chromium (the browser tests' helpers;
nothing is downloaded).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
VIEWPORT = {"width": 1200, "height": 800}


def _helpers() -> ModuleType:
    path = ROOT / "tests" / "browser" / "browser_helpers.py"
    spec = importlib.util.spec_from_file_location("stackctl_browser_helpers", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    helpers = _helpers()
    missing = helpers.chromium_missing()
    if missing:
        print(f"cannot take screenshots: {missing}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stackctl-shots-") as tmp:
        project = Path(tmp)
        shutil.copy(ROOT / "stackctl.yaml", project)
        for folder in ("stacks", "pipelines"):
            shutil.copytree(
                ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__")
            )
        stackctl = str(Path(sys.executable).with_name("stackctl"))
        subprocess.run(
            # only what the dev stack needs (the example s3 store wants a secret)
            [stackctl, "apply", "--auto-approve", "--target", "stack.dev"],
            cwd=project,
            check=True,
            capture_output=True,
        )
        first = helpers.run_pipeline(project, "training", "dev")
        helpers.run_pipeline(project, "training", "dev")
        with helpers.dashboard(project) as url, sync_playwright() as playwright:
            browser = helpers.launch(playwright)
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            shots = (
                ("stack", "stacks/dev", ""),
                ("run", f"runs/{first}", ""),
                # the title, facts and the first visualization (the DataFrame's head)
                ("artifact", "artifacts/iris_data/1", ""),
                ("models", "models", ""),
                ("model-version", "models/iris_classifier/versions/1", ""),
            )
            for name, path, anchor in shots:
                page.goto(url + path)
                if anchor:
                    page.locator(anchor).evaluate("e => window.scrollTo(0, e.offsetTop - 110)")
                target = OUT / f"dashboard-{name}.png"
                page.screenshot(path=str(target), full_page=False)
                print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB)")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
