"""/compare, /charts and their JSON twins over a memory store; the chart SVG is
well-formed XML with every user value escaped, whatever was logged."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from stackctl.dashboard import charts
from stackctl.dashboard.responses import environment
from stackctl.model import MetadataEntry, ModelDecl
from stackctl.runtime.series import Point, Series

R1, R2, R3 = "r1aaaaaaaaaa", "r2bbbbbbbbbb", "r3cccccccccc"
MARKUP = "<b>x</b>&\"'"


def log(dash, run_id: str, **values: object) -> None:
    dash.store.record_metadata(
        [MetadataEntry(run_id, "run", "train", "", k, v) for k, v in values.items()]
    )


def test_compare_page_highlights_what_differs(dash):
    log(dash, R1, acc=0.9, note=MARKUP)
    log(dash, R3, acc=0.8, note=MARKUP)
    page = dash.client.get(f"/compare?runs={R1},{R3[:4]}")
    assert page.status_code == 200
    html = page.text
    assert 'class="differs" data-section="metadata" data-key="acc"' in html
    assert 'class="same" data-section="metadata" data-key="note"' in html
    assert MARKUP not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "/charts?pipeline=training&amp;key=acc" in html
    assert f'href="/runs/{R1}"' in html and f'href="/runs/{R3}"' in html
    only = dash.client.get(f"/compare?runs={R1}&runs={R3}&only=differences").text
    assert 'data-key="acc"' in only and 'data-key="note"' not in only


def test_compare_api_has_the_same_rows(dash):
    log(dash, R1, acc=0.9)
    log(dash, R3, acc=0.8)
    data = dash.client.get(f"/api/compare?runs={R1},{R3}").json()
    assert [r["id"] for r in data["runs"]] == [R1, R3]
    acc = next(r for r in data["rows"] if r["key"] == "acc")
    assert acc == {
        "section": "metadata",
        "key": "acc",
        "differs": True,
        "timing": False,
        "values": {R1: 0.9, R3: 0.8},
        "chart_url": "/charts?pipeline=training&key=acc",
    }
    assert data["differing"] >= 1


def test_compare_bad_queries(dash):
    assert dash.client.get("/compare").status_code == 400
    assert dash.client.get(f"/compare?runs={R1}").status_code == 400
    assert dash.client.get(f"/compare?runs={R1},{R1}").status_code == 400  # one run
    assert dash.client.get(f"/compare?runs={R1},<script>").status_code == 400
    assert dash.client.get(f"/compare?runs={R1},zzzz").status_code == 404
    assert dash.client.get(f"/api/compare?runs={R1},zzzz").json()["status"] == 404
    many = ",".join([R1] * 21)
    assert dash.client.get(f"/compare?runs={many}").status_code == 400


def test_runs_list_selects_runs_for_compare_without_javascript(dash):
    html = dash.client.get("/runs").text
    assert '<form id="compare-form" class="compare-actions" method="get" action="/compare">' in html
    assert f'<input type="checkbox" name="runs" value="{R1}" form="compare-form"' in html


def test_chart_page_for_a_pipeline(dash):
    log(dash, R1, acc=0.9, flag=True)
    log(dash, R3, acc=0.8)
    chooser = dash.client.get("/charts").text
    assert 'href="/charts?pipeline=training"' in chooser
    keys = dash.client.get("/charts?pipeline=training").text
    assert "/charts?pipeline=training&amp;key=acc" in keys and "key=flag" not in keys
    html = dash.client.get("/charts?pipeline=training&key=acc").text
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    root = ET.fromstring(svg)
    circles = root.findall(".//{http://www.w3.org/2000/svg}circle")
    assert [c.get("data-run") for c in circles] == [R1, R3]  # oldest first
    assert [c.get("data-value") for c in circles] == ["0.9", "0.8"]
    api = dash.client.get("/api/charts?pipeline=training&key=acc").json()
    assert [p["value"] for p in api["points"]] == [0.9, 0.8]
    missing = dash.client.get("/charts?pipeline=training&key=nope").text
    assert "No run has a number for" in missing and '<svg class="chart"' not in missing


def test_chart_for_a_model_and_bad_queries(dash):
    for run_id, score in ((R1, 1), (R3, 3)):
        dash.store.create_model_version(
            ModelDecl("clf"), run_id, "training", {"score": score}, "2026-01-09T00:00:00Z"
        )
    assert 'href="/charts?model=clf"' in dash.client.get("/models").text
    html = dash.client.get("/charts?model=clf&key=score").text
    assert html.count('class="point"') == 2 and ">v1<" in html
    assert dash.client.get("/charts?model=nope&key=score").status_code == 404
    assert dash.client.get("/charts?pipeline=<x>").status_code == 400
    assert dash.client.get("/charts?pipeline=training&key=" + "k" * 300).status_code == 400
    assert dash.client.get("/api/charts").status_code == 400


def _svg(series: Series) -> ET.Element:
    html = environment().get_template("_chart.html").render(chart=charts.drawing(series))
    return ET.fromstring(html)


text = st.text(max_size=30)
points = st.lists(
    st.builds(Point, text, text, text, st.floats(allow_nan=False, allow_infinity=False)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(text, points)
def test_chart_svg_is_valid_xml_with_values_escaped(key: str, found: list[Point]) -> None:
    root = _svg(Series(key, tuple(found), (key,)))
    circles = root.findall(".//{http://www.w3.org/2000/svg}circle")
    assert len(circles) == len(found)
    for circle, point in zip(circles, found, strict=True):
        assert circle.get("data-value") == charts.number_text(point.value)
        for coordinate in ("cx", "cy"):
            value = float(circle.get(coordinate) or "nan")
            assert 0 <= value <= charts.WIDTH  # inside the drawing, never inf/nan
        title = circle.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and charts.xml_text(point.run_id) in (title.text or "")


def test_chart_svg_has_axes_ticks_and_linked_points() -> None:
    series = Series("acc", (Point("a1", "a1", "t", 1.0), Point("b2", "b2", "t", 1.0)), ("acc",))
    root = _svg(series)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{ns}line[@class='axis']")) == 2
    assert len(root.findall(f".//{ns}text[@class='tick y']")) == charts.Y_TICKS
    assert [t.text for t in root.findall(f".//{ns}text[@class='tick x']")] == ["a1", "b2"]
    assert [a.get("href") for a in root.findall(f"{ns}a")] == ["/runs/a1", "/runs/b2"]


json_leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), json_values, min_size=1, max_size=4))
def test_compare_page_escapes_any_metadata(logged: dict[str, object]) -> None:
    from stackctl.dashboard.compare import comparison
    from stackctl.model import Run, RunStatus
    from stackctl.runtime.compare import RunRecords, compare

    records = []
    for run_id in ("a1", "b2"):
        run = Run(run_id, "p", "dev", RunStatus.COMPLETED, "2026-01-01T00:00:00+00:00")
        entries = [MetadataEntry(run_id, "run", "s", "", "<q>" + k, v) for k, v in logged.items()]
        extra = MetadataEntry(run_id, "run", "s", "", "<i>" + run_id, MARKUP + run_id)
        records.append(RunRecords(run, [], [], [*entries, extra], "completed"))
    data = comparison(compare(records))
    html = (
        environment()
        .get_template("compare.html")
        .render(
            path="/compare",
            project="x",
            data=data,
            only=False,
            links={"all": "", "differences": ""},
        )
    )
    assert "<i>" not in html and "<b>" not in html and "<q>" not in html
    assert 'data-key="&lt;i&gt;a1"' in html


def test_run_page_links_a_comparison_with_the_previous_run(dash):
    html = dash.client.get(f"/runs/{R3}").text
    previous = next(r.id for r in dash.store.runs(pipeline="training") if r.id != R3)
    assert f'href="/compare?runs={R3}%2C{previous}"' in html
    oldest = dash.store.runs(pipeline="training")[-1].id
    assert "compare-link" not in dash.client.get(f"/runs/{oldest}").text
