"""Click through the dashboard in Chromium: Stacks -> a Stack -> a Run -> a step's logs."""

from __future__ import annotations

from browser_helpers import LOG_MARKUP


def test_click_from_stacks_to_a_step_log(page, url, tmp_path):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(url)
    page.get_by_role("link", name="Stacks").click()
    assert page.locator("h1").inner_text() == "Stacks"
    row = page.locator("table.stacks tr", has=page.locator('a[href="/stacks/default"]'))
    assert row.locator("td").last.inner_text() == "2"  # run count
    assert "active" in row.inner_text()
    page.screenshot(path=str(tmp_path / "stacks.png"), full_page=True)

    page.locator('a.stack-link[href="/stacks/default"]').click()
    page.wait_for_url("**/stacks/default")
    assert "Stack default" in page.locator("h1").inner_text()
    assert page.locator("table.config").inner_text().split() == ["path", ".stackctl/artifacts"]
    runs = page.locator("table.runs tbody tr")
    assert runs.count() == 2
    page.screenshot(path=str(tmp_path / "stack.png"), full_page=True)

    runs.last.locator("a").first.click()  # the oldest run: every step really ran
    page.wait_for_url("**/runs/*")
    nodes = page.locator("svg.dag g.node")
    assert nodes.count() == 3
    assert page.locator("svg.dag path.edge").count() == 3
    for step in ("make", "double", "report"):
        node = page.locator(f'svg.dag g.node[data-step="{step}"]')
        assert node.get_attribute("data-status") == "completed"
        assert node.locator("text.caption").text_content().startswith("completed \u00b7 ")
    fill = page.eval_on_selector('g.node[data-step="make"] rect', "r => getComputedStyle(r).fill")
    assert fill == "rgb(227, 246, 234)"  # the completed colour from dashboard.css
    assert "json" in page.locator("table.steps").inner_text()  # materializer of the outputs
    page.screenshot(path=str(tmp_path / "run.png"), full_page=True)

    page.locator("table.steps a.step-link", has_text="make").click()
    page.wait_for_url("**/steps/make")
    log = page.locator("pre.log").inner_text()
    assert "making numbers" in log
    assert LOG_MARKUP in log  # shown as text ...
    assert dialogs == []  # ... and never executed
    page.screenshot(path=str(tmp_path / "step.png"), full_page=True)
    assert errors == []
    for name in ("stacks", "stack", "run", "step"):
        assert (tmp_path / f"{name}.png").stat().st_size > 5_000


def test_cached_run_is_marked_in_the_graph(page, url):
    page.goto(url + "stacks/default")
    page.locator("table.runs tbody tr").first.locator("a").first.click()  # the newest run
    statuses = page.eval_on_selector_all(
        "svg.dag g.node", "nodes => nodes.map(n => n.getAttribute('data-status'))"
    )
    assert statuses == ["cached", "cached", "cached"]


def test_unknown_run_is_a_404_page(page, url):
    response = page.goto(url + "runs/does-not-exist")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
