"""Shared by the browser tests and scripts/screenshots.py: Debian's Chromium through
Playwright (no browser download), a project with real runs, the dashboard in a thread."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOG_MARKUP = "<script>alert('log')</script>"


def chromium_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).is_file():
        return f"browser tests need {CHROMIUM} (Debian's chromium package); it is not installed"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install 'stackctl[dev]')"
    return None


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


TINY_FILES = {
    "stackctl.yaml": """
        project: browser-demo
        include: [stacks/*.yaml, pipelines/*.yaml]
    """,
    "stacks/local.yaml": """
        components:
          orchestrator:
            local: {flavor: local}
          artifact_store:
            local: {flavor: local, config: {path: .stackctl/artifacts}}
        stacks:
          dev: {orchestrator: local, artifact_store: local}
    """,
    "pipelines/tiny.yaml": """
        pipelines:
          tiny:
            steps:
              make: {function: tinysteps:make}
              double: {function: tinysteps:double, inputs: {numbers: make.output}}
              report:
                function: tinysteps:report
                inputs: {numbers: make.output, doubled: double.output}
    """,
    "tinysteps.py": f'''
        def make():
            print("making numbers")
            print("{LOG_MARKUP}")
            return [1, 2, 3]


        def double(numbers):
            print("doubling", numbers)
            return [2 * n for n in numbers]


        def report(numbers, doubled):
            print("sum", sum(numbers) + sum(doubled))
            return {{"total": sum(numbers) + sum(doubled)}}
    ''',
}


def write_tiny_project(root: Path) -> None:
    for name, text in TINY_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


def run_pipeline(root: Path, pipeline: str, stack: str | None = None) -> str:
    """Run a declared pipeline for real, as `stackctl run` does (stackctl.launch, the
    project's SQLite state); returns the run id, also when a step failed."""
    from stackctl import launch
    from stackctl.errors import StepFailedError
    from stackctl.project import Project

    project = Project(root)
    try:
        return launch.run(project, pipeline, stack=stack).id
    except StepFailedError as exc:
        return exc.run_id
    finally:
        project.close()


@contextmanager
def dashboard(root: Path) -> Iterator[str]:
    """The dashboard over ``root`` on a free loopback port; yields its URL."""
    from stackctl.dashboard.serve import start_in_thread
    from stackctl.project import Project

    running = start_in_thread(Project(root))
    try:
        yield running.url
    finally:
        running.stop()
