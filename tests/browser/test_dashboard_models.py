"""The Models pages in Chromium: models with versions and stages, a version page that
links its run, and the run page it leads to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import dashboard, run_pipeline
from support.models_project import write_project
from support.steps import forget

from stackctl.project import Project


@pytest.fixture(scope="module")
def models_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    root = write_project(tmp_path_factory.mktemp("models-browser"))
    try:
        runs = [run_pipeline(root, "train") for _ in range(2)]
        run_pipeline(root, "fails")  # makes no version
    finally:
        forget("model_steps")
    project = Project(root)
    try:
        state = project.state()
        state.promote_model("ratio", 1, "production", "ana", "2026-12-01T10:00:00.000000Z")
        state.promote_model("ratio", 2, "production", "bo", "2026-12-01T11:00:00.000000Z")
    finally:
        project.close()
    with dashboard(root) as base:
        yield base, runs


def test_models_page_lists_versions_and_stages(
    page: Any, models_url: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, runs = models_url
    page.goto(f"{base}models")
    section = page.locator("section#model-ratio")
    assert "a ratio that learns" in section.inner_text()
    assert section.locator(".stages a").inner_text() == "version 2"
    rows = section.locator("table.model-versions tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(1).inner_text() == "production"
    assert rows.nth(1).locator("td").nth(1).inner_text() == "archived"
    assert runs[1][:12] in rows.nth(0).inner_text()
    page.screenshot(path=str(tmp_path / "models.png"), full_page=True)


def test_version_page_links_its_run(
    page: Any, models_url: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, runs = models_url
    page.goto(f"{base}models")
    versions = page.locator("section#model-ratio table.model-versions")
    versions.get_by_role("link", name="1", exact=True).click()
    page.wait_for_url("**/models/ratio/versions/1")
    assert page.url.endswith("/models/ratio/versions/1")
    body = page.locator("main").inner_text()
    assert "ratio version 1" in body
    assert "fit.output" in body and "model" in body
    history = page.locator("table.history tbody tr")
    assert [history.nth(i).locator("td").nth(2).inner_text() for i in range(2)] == [
        "production",
        "archived",
    ]
    page.screenshot(path=str(tmp_path / "model-version.png"), full_page=True)
    output = page.locator("table.artifacts a.output-link", has_text="fit.output")
    assert output.get_attribute("href") == f"/runs/{runs[0]}/outputs/fit/output"
    output.click()
    page.wait_for_url(f"**/runs/{runs[0]}/outputs/fit/output")
    assert "fit" in page.locator("main").inner_text()
    page.go_back()
    page.locator("a.run-link").click()
    page.wait_for_url(f"**/runs/{runs[0]}")
    assert page.url.endswith(f"/runs/{runs[0]}")


def test_unknown_models_and_versions_are_404(page: Any, models_url: tuple[str, list[str]]) -> None:
    base, _ = models_url
    for path in (
        "/models/ration/versions/1",
        "/models/ratio/versions/9",
        "/models/ratio/versions/x",
    ):
        response = page.goto(f"{base}{path.lstrip('/')}")
        assert response.status == 404, path
