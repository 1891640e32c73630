"""The model version page over a memory store: each artifact links to its output's page,
or to the named version it published (as the run page links it)."""

from __future__ import annotations

from stackctl.model import ModelDecl, NamedOutput

R1 = "r1aaaaaaaaaa"


def test_version_page_links_each_output_to_its_own_page(dash):
    dash.store.create_model_version(ModelDecl("clf"), R1, "training", {}, "2026-01-09T00:00:00Z")
    html = dash.client.get("/models/clf/versions/1").text
    assert 'href="/runs/r1aaaaaaaaaa/outputs/train/output"' in html
    assert 'href="/runs/r1aaaaaaaaaa/outputs/load/output"' in html
    assert 'href="/runs/r1aaaaaaaaaa/steps/' not in html  # not the step page any more
    assert dash.client.get("/runs/r1aaaaaaaaaa/outputs/train/output").status_code == 200


def test_version_page_links_a_named_version_to_its_page(dash):
    (load,) = [a for a in dash.store.artifacts(R1) if a.step == "load"]
    dash.store.record_versions([(NamedOutput("iris_data", ()), load)])
    dash.store.create_model_version(ModelDecl("clf"), R1, "training", {}, "2026-01-09T00:00:00Z")
    html = dash.client.get("/models/clf/versions/1").text
    assert 'href="/artifacts/iris_data/1"' in html
    assert 'href="/runs/r1aaaaaaaaaa/outputs/load/output"' not in html
    assert 'href="/runs/r1aaaaaaaaaa/outputs/train/output"' in html
    run = dash.client.get("/runs/r1aaaaaaaaaa").text
    assert 'href="/artifacts/iris_data/1"' in run  # the same link as the run page's
