"""The named-artifact pages and /api/artifacts over a memory store."""

from __future__ import annotations

from stackctl.model import MetadataEntry, NamedOutput, StepInput


def publish(dash):
    (load,) = [a for a in dash.store.artifacts("r1aaaaaaaaaa") if a.step == "load"][:1]
    dash.store.record_versions([(NamedOutput("iris_data", ("raw",)), load)])
    dash.store.record_metadata(
        [
            MetadataEntry("r1aaaaaaaaaa", "artifact", "load", load.name, "rows", 150),
            MetadataEntry("r1aaaaaaaaaa", "artifact", "load", load.name, "card", {"<i>k</i>": 1}),
        ]
    )
    dash.store.record_inputs(
        [
            StepInput(
                "r1aaaaaaaaaa",
                "split",
                "df",
                "r1aaaaaaaaaa",
                "load",
                load.name,
                load.uri,
                load.digest,
            )
        ]
    )
    return load


def test_api_lists_names_versions_and_one_version_with_its_lineage(dash):
    load = publish(dash)
    names = dash.client.get("/api/artifacts").json()
    assert [(n["name"], n["version"], n["tags"]) for n in names] == [("iris_data", 1, ["raw"])]
    versions = dash.client.get("/api/artifacts/iris_data").json()
    assert [v["url"] for v in versions] == ["/artifacts/iris_data/1"]
    one = dash.client.get("/api/artifacts/iris_data/raw").json()
    assert one["version"]["digest"] == load.digest and one["metadata"] == {"rows": 150}
    assert one["cards"] == {"card": {"<i>k</i>": 1}}
    kinds = sorted(n["status"] for n in one["lineage"]["nodes"])
    assert kinds == ["artifact", "step"]  # load.output <- step load (a source)
    down = dash.client.get("/api/artifacts/iris_data/1?direction=downstream").json()
    assert any(n["label"] == "step split" for n in down["lineage"]["nodes"])
    assert [c["step"] for c in one["consumers"]] == ["split"]


def test_pages_escape_metadata_and_link_the_run_page(dash):
    publish(dash)
    page = dash.client.get("/artifacts/iris_data/1")
    assert page.status_code == 200
    assert "&lt;i&gt;k&lt;/i&gt;" in page.text and "<i>k</i>" not in page.text
    assert 'class="dag"' in page.text
    run = dash.client.get("/runs/r1aaaaaaaaaa").text
    assert 'href="/artifacts/iris_data/1"' in run
    assert "iris_data" in dash.client.get("/artifacts").text


def test_unknown_names_and_impossible_versions_are_404(dash):
    publish(dash)
    for path in (
        "/artifacts/nope/1",
        "/artifacts/iris_data/7",
        "/artifacts/iris_data/0",
        "/api/artifacts/iris_data/latest%20x",
        "/api/artifacts/nope",
    ):
        assert dash.client.get(path).status_code == 404, path
