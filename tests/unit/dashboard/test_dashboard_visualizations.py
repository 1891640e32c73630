"""Visualizations on the artifact and output pages, and their raw endpoint: digests
checked before serving, HTML only framed and sandboxed with a CSP of its own."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.dashboard.visualizations import FRAME_CSP
from stackctl.model import MetadataEntry, NamedOutput
from stackctl.runtime import visualizations
from stackctl.types import CSVString, HTMLString, MarkdownString

RUN = "r1aaaaaaaaaa"
HOSTILE = "<script>document.title='pwned'</script><p>hi</p>"


def attach(dash, value, step="load", output=None):
    """Store ``value``'s visualizations for an output of run r1 as the worker would."""
    record = next(a for a in dash.store.artifacts(RUN) if a.step == step)
    output = output or record.name
    store = LocalArtifactStore("local", {"path": ".stackctl/artifacts"}, dash.root)
    made = visualizations.store(store, output, object(), value, [])
    dash.store.record_metadata(
        [MetadataEntry(RUN, visualizations.SCOPE, step, output, k, v) for k, v in made.items()]
    )
    return record, made


def test_the_artifact_page_draws_tables_images_and_sandboxed_frames(dash):
    record, _ = attach(dash, CSVString("name,score\n<b>x</b>,1\n"))
    dash.store.record_versions([(NamedOutput("scores"), record)])
    page = dash.client.get("/artifacts/scores/1").text
    assert 'data-viz="table"' in page and "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    attach(dash, np.zeros((4, 4), np.uint8), step="train")
    trained = next(a for a in dash.store.artifacts(RUN) if a.step == "train")
    out = dash.client.get(f"/runs/{RUN}/outputs/train/{trained.name}").text
    assert (
        f'<img class="viz-image" src="/runs/{RUN}/outputs/train/{trained.name}/visualizations/image"'
        in out
    )


def test_html_is_served_only_framed_with_its_own_csp(dash):
    record, made = attach(dash, HTMLString(HOSTILE))
    page = dash.client.get(f"/runs/{RUN}/outputs/load/{record.name}").text
    assert HOSTILE not in page  # never inlined into the dashboard's page
    frame = f'<iframe class="viz-frame" sandbox src="/runs/{RUN}/outputs/load/{record.name}/visualizations/html"'
    assert frame in page
    raw = dash.client.get(f"/runs/{RUN}/outputs/load/{record.name}/visualizations/html")
    assert raw.status_code == 200 and raw.text == HOSTILE
    assert raw.headers["content-type"] == "text/html; charset=utf-8"
    assert raw.headers["content-security-policy"] == FRAME_CSP
    assert "sandbox" in FRAME_CSP and "script-src" not in FRAME_CSP
    assert raw.headers["x-frame-options"] == "SAMEORIGIN"
    assert raw.headers["x-content-type-options"] == "nosniff"
    # the dashboard's own pages keep theirs
    assert "frame-ancestors 'none'" in dash.client.get("/runs").headers["content-security-policy"]


def test_markdown_is_rendered_with_its_raw_html_as_text(dash):
    record, _ = attach(dash, MarkdownString("# Title\n\n" + HOSTILE + "\n\n| a |\n|---|\n| 1 |\n"))
    raw = dash.client.get(f"/runs/{RUN}/outputs/load/{record.name}/visualizations/markdown")
    assert "<h1>Title</h1>" in raw.text and "<table>" in raw.text
    assert "<script>" not in raw.text and "&lt;script&gt;" in raw.text
    assert raw.headers["content-security-policy"] == FRAME_CSP


def test_a_png_is_served_as_an_image(dash):
    record, made = attach(dash, np.full((3, 3, 3), 9, np.uint8))
    raw = dash.client.get(f"/runs/{RUN}/outputs/load/{record.name}/visualizations/image")
    assert raw.headers["content-type"] == "image/png" and raw.content.startswith(b"\x89PNG")
    assert raw.headers["x-content-type-options"] == "nosniff"


def test_a_modified_visualization_is_refused(dash):
    record, made = attach(dash, HTMLString("<p>ok</p>"))
    Path(made["html"]["uri"]).write_text("<script>alert(1)</script>")
    raw = dash.client.get(f"/runs/{RUN}/outputs/load/{record.name}/visualizations/html")
    assert raw.status_code == 500 and "alert(1)" not in raw.text
    assert "modified after it was written" in raw.text
    _, table = attach(dash, CSVString("a\n1\n"), step="train")
    Path(table["table"]["uri"]).write_text("a\n2\n")
    trained = next(a for a in dash.store.artifacts(RUN) if a.step == "train")
    page = dash.client.get(f"/runs/{RUN}/outputs/train/{trained.name}").text
    assert 'data-kind="error"' in page and "modified after it was written" in page


def test_unknown_outputs_and_visualizations_are_404(dash):
    record, _ = attach(dash, HTMLString("<p>ok</p>"))
    for path in (
        f"/runs/{RUN}/outputs/load/nope",
        f"/runs/{RUN}/outputs/load/{record.name}/visualizations/nope",
        f"/runs/{RUN}/outputs/load/{record.name}/visualizations/..%2Fx",
        "/runs/nope/outputs/load/output",
    ):
        assert dash.client.get(path).status_code == 404, path


def test_the_run_page_links_every_output_to_its_page(dash):
    page = dash.client.get(f"/runs/{RUN}").text
    for record in dash.store.artifacts(RUN):
        assert f'href="/runs/{RUN}/outputs/{record.step}/{record.name}"' in page
    output = dash.client.get(f"/runs/{RUN}/outputs/load/{dash.store.artifacts(RUN)[0].name}")
    assert output.status_code == 200 and "No visualizations." in output.text
