"""Browser tests: Debian's Chromium via Playwright over a dashboard with real runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import chromium_missing, dashboard, launch, run_pipeline, write_tiny_project


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = chromium_missing()
    if reason and os.environ.get("CI"):
        # Skipping would let CI go green without a browser: fail the whole run instead.
        raise pytest.UsageError(f"CI: browser tests cannot run: {reason}")
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).parent == here:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose `tiny` pipeline ran twice on the default stack (the second run is
    all cached)."""
    root = tmp_path_factory.mktemp("browser-project")
    write_tiny_project(root)
    run_pipeline(root, "tiny")
    run_pipeline(root, "tiny")
    return root


@pytest.fixture(scope="module")
def url(project: Path) -> Iterator[str]:
    with dashboard(project) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1200, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
