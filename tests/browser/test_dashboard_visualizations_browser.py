"""Visualizations in Chromium: the artifact page shows a DataFrame's tables, a PNG and
HTML in a sandboxed iframe, and a hostile HTMLString's script never runs."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest
from browser_helpers import TINY_FILES, dashboard, run_pipeline

PIPELINE = """
pipelines:
  viz:
    steps:
      frame: {function: vizsteps:frame, outputs: {output: {name: frame}}}
      picture: {function: vizsteps:picture, outputs: {output: {name: picture}}}
      page: {function: vizsteps:page, outputs: {output: {name: page}}}
      notes: {function: vizsteps:notes, outputs: {output: {name: notes}}}
"""

STEPS = """
import numpy as np
import pandas as pd
from stackctl.types import HTMLString, MarkdownString

# if a script ran anywhere, it would leave this mark on the page that framed it
HOSTILE = (
    "<p id='inside'>report</p>"
    "<script>document.title = 'pwned'; window.parent.document.title = 'pwned';"
    " fetch('/runs');</script>"
    "<img src=x onerror=\\"window.parent.document.body.dataset.pwned = 1\\">"
)


def frame():
    return pd.DataFrame({"petal": [1.4, 1.3, 4.7], "species": ["setosa", "<b>x</b>", "virginica"]})


def picture():
    return np.linspace(0, 1, 32 * 32 * 3).reshape(32, 32, 3)


def page():
    return HTMLString(HOSTILE)


def notes():
    return MarkdownString("# Notes\\n\\n<script>document.title = 'pwned'</script>\\n\\n**bold**")
"""


@pytest.fixture(scope="module")
def viz_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("viz-project")
    for name, text in TINY_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    (root / "pipelines" / "tiny.yaml").write_text(PIPELINE)
    (root / "vizsteps.py").write_text(textwrap.dedent(STEPS).lstrip())
    run_pipeline(root, "viz")
    with dashboard(root) as base:
        yield base.rstrip("/")


def test_the_artifact_page_shows_the_dataframe_tables(page, viz_url):
    page.goto(viz_url + "/artifacts/frame/1")
    head = page.locator('section.viz[data-viz="head"] table')
    assert head.locator("th").all_inner_texts() == ["", "petal", "species"]
    assert "<b>x</b>" in head.inner_text()  # escaped: shown as text
    assert page.locator('section.viz[data-viz="head"] b').count() == 0
    describe = page.locator('section.viz[data-viz="describe"] table')
    assert describe.locator("tbody th, tbody td").first.inner_text() == "count"


def test_the_png_is_loaded_as_an_image(page, viz_url):
    page.goto(viz_url + "/artifacts/picture/1")
    image = page.locator("img.viz-image")
    image.wait_for()
    page.wait_for_function("document.querySelector('img.viz-image').complete")
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [32, 32]


def test_hostile_html_runs_no_script_in_its_sandboxed_frame(page, viz_url):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(viz_url + "/artifacts/page/1")
    frame_element = page.locator("iframe.viz-frame")
    assert frame_element.get_attribute("sandbox") == ""  # nothing allowed
    frame = frame_element.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_selector("#inside")
    assert frame.locator("#inside").inner_text() == "report"  # the HTML is rendered
    page.wait_for_timeout(300)  # give a script (or onerror) the chance it must not get
    assert page.title() != "pwned" and frame.evaluate("document.title") != "pwned"
    assert page.evaluate("document.body.dataset.pwned") is None
    assert errors == []


def test_markdown_is_rendered_in_the_frame_with_its_script_as_text(page, viz_url):
    page.goto(viz_url + "/artifacts/notes/1")
    frame = page.locator("iframe.viz-frame").element_handle().content_frame()
    assert frame is not None
    frame.wait_for_selector("h1")
    assert frame.locator("h1").inner_text() == "Notes"
    assert "<script>" in frame.locator("body").inner_text()  # shown, not run
    assert page.title() != "pwned"


def test_the_run_page_links_each_output_to_its_artifact_page(page, viz_url):
    page.goto(viz_url + "/runs")
    page.click("table.runs a >> nth=0")
    links = page.locator("table.artifacts a.output-link")
    assert links.count() == 4
    page.click('table.artifacts a.output-link >> text="output" >> nth=0')
    assert page.locator("h1").inner_text().startswith("Artifact ")
    assert page.locator("h2 >> text=Visualizations").count() == 1
