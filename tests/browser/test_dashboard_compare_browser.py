"""Comparing runs in Chromium: tick two runs in the runs list, Compare, see the param
that changed highlighted, then open its chart and find one SVG point per run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import dashboard
from support.models_project import write_project
from support.steps import forget


@pytest.fixture(scope="module")
def compare_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    from stackctl import launch
    from stackctl.project import Project

    root = write_project(tmp_path_factory.mktemp("compare-browser"))
    project = Project(root)
    try:
        runs = [launch.run(project, "train", params={"n": n}).id for n in (3, 5)]
    finally:
        project.close()
        forget("model_steps")
    with dashboard(root) as base:
        yield base, runs


def test_select_two_runs_compare_and_chart(
    page: Any, compare_url: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, runs = compare_url
    page.goto(f"{base}runs")
    for run_id in runs:
        page.get_by_label(f"compare run {run_id[:12]}").check()
    page.get_by_role("button", name="Compare selected").click()
    page.wait_for_url("**/compare?runs=*")
    differing = page.locator("table.compare tr.differs")
    param = page.locator('table.compare tr[data-section="params"][data-key="n"]')
    assert param.get_attribute("class") == "differs"
    assert [c.strip() for c in param.locator("td").all_inner_texts()[2:]] == ["5", "3"]
    # a highlighted row really looks different from an identical one
    same = page.locator("table.compare tr.same td").first
    assert param.locator("td").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    ) != same.evaluate("e => getComputedStyle(e).backgroundColor")
    assert differing.count() >= 2  # the param and the outputs it changed
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)

    param.get_by_role("link", name="chart").click()
    page.wait_for_url("**/charts?pipeline=train&key=params.n")
    points = page.locator("svg.chart circle.point")
    assert points.count() == 2
    assert [points.nth(i).get_attribute("data-value") for i in range(2)] == ["3", "5"]
    assert runs[0] in (points.nth(0).locator("title").text_content() or "")
    page.screenshot(path=str(tmp_path / "chart.png"), full_page=True)
    page.locator("svg.chart a.point-link").last.click()
    page.wait_for_url(f"**/runs/{runs[1]}")


def test_model_page_links_a_chart_across_versions(
    page: Any, compare_url: tuple[str, list[str]]
) -> None:
    base, _ = compare_url
    page.goto(f"{base}models")
    page.get_by_role("link", name="chart metadata across versions").click()
    page.wait_for_url("**/charts?model=ratio")
    page.locator("nav.chart-keys").get_by_role("link", name="params.n").click()
    points = page.locator("svg.chart circle.point")
    assert points.count() == 2
    assert page.locator("svg.chart text.tick.x").all_text_contents() == ["v1", "v2"]
