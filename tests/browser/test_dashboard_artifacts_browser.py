"""Named artifacts in the dashboard, in Chromium: names -> versions -> one version with
its metadata and lineage drawn as SVG, and the run page's outputs linking to it."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest
from browser_helpers import TINY_FILES, dashboard, run_pipeline

NAMED = """
pipelines:
  tiny:
    steps:
      make:
        function: namedsteps:make
        outputs: {output: {name: numbers, tags: [fresh]}}
      double: {function: namedsteps:double, inputs: {numbers: make.output}}
      report:
        function: namedsteps:report
        inputs: {numbers: make.output, doubled: double.output}
        outputs: {output: {name: "<b>report</b>"}}
"""


@pytest.fixture(scope="module")
def named_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("named-artifacts")
    for name, text in TINY_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    (root / "pipelines" / "tiny.yaml").write_text(NAMED.replace('"<b>report</b>"', "summary"))
    # its own module name: runs are in-process, and the other browser tests' project
    # imports `tinysteps` too (a cached module of ours would fail their steps)
    steps = (root / "tinysteps.py").read_text()
    steps = steps.replace(
        '    print("sum", sum(numbers) + sum(doubled))',
        "    from stackctl import log_metadata\n"
        '    log_metadata({"quality": {"note": "<script>alert(1)</script>", "n": 3}},'
        ' artifact="summary")\n'
        '    print("sum", sum(numbers) + sum(doubled))',
    )
    (root / "namedsteps.py").write_text(steps)
    run_pipeline(root, "tiny")
    run_pipeline(root, "tiny")
    with dashboard(root) as base:
        yield base.rstrip("/")


def test_from_the_artifacts_page_to_a_version_and_its_lineage(page, named_url):
    page.goto(named_url + "/artifacts")
    assert page.locator("a.artifact-name").all_inner_texts() == ["numbers", "summary"]
    page.click("a.artifact-name >> text=summary")
    assert page.locator("a.version-link").all_inner_texts() == ["summary:2", "summary:1"]
    page.click("a.version-link >> text=summary:1")
    assert page.locator("h1").inner_text().startswith("Artifact summary:1")
    card = page.locator('section.card[data-card="quality"]')
    assert "<script>alert(1)</script>" in card.inner_text()  # shown as text, escaped
    assert page.locator("dl.facts").inner_text().count("sha256:") == 1
    nodes = page.locator("svg.dag .node")
    labels = [n.get_attribute("data-status") for n in nodes.all()]
    assert labels.count("step") == 3 and labels.count("artifact") == 3  # all upstream
    assert page.locator("svg.dag path.edge").count() == 6
    assert "numbers:1" in page.locator("svg.dag").text_content()
    page.click("svg.dag .node-link >> text=numbers:1")
    assert page.locator("h1").inner_text().startswith("Artifact numbers:1")
    page.click("text=Show what consumed it")
    text = page.locator("svg.dag").text_content()
    assert "step double" in text and "step report" in text and "summary:1" in text


def test_the_run_page_links_outputs_to_their_named_versions(page, named_url):
    page.goto(named_url + "/runs")
    page.locator("table a >> nth=0").click()  # the newest run
    links = page.locator("a.named-version")
    assert sorted(links.all_inner_texts()) == ["numbers:2", "summary:2"]
    links.filter(has_text="numbers:2").click()
    assert "fresh" in page.locator("h1").inner_text()  # the tag moved to the newest


def test_an_unknown_version_is_a_404_page(page, named_url):
    response = page.goto(named_url + "/artifacts/numbers/9")
    assert response.status == 404
    assert "has no version 9" in page.locator("main").inner_text()
    assert page.goto(named_url + "/artifacts/numbers/0").status == 404
