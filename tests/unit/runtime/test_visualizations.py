"""Each built-in visualizer, the PNG encoder, storing with digests, plugin visualizers
through a materializer's ``visualize`` and the bounded CSV table readers use."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from stackctl.components.artifact_stores.base import digest_bytes, read_verified
from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.model import MetadataEntry
from stackctl.runtime import materializers, png, visualizations
from stackctl.types import (
    CSV,
    HTML,
    MARKDOWN,
    PNG,
    CSVString,
    HTMLString,
    MarkdownString,
    Visualization,
)


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)))


@given(
    st.integers(1, 9),
    st.integers(1, 9),
    st.sampled_from([1, 3, 4]),
    st.randoms(use_true_random=False),
)
def test_png_encoder_round_trips_through_pillow(width, height, channels, rnd):
    raw = bytes(rnd.randrange(256) for _ in range(width * height * channels))
    data = png.encode(raw, width, height, channels)
    assert png.size(data) == (width, height)
    decoded = pixels(data)
    expected = np.frombuffer(raw, np.uint8).reshape(height, width, channels)
    assert np.array_equal(decoded.reshape(height, width, channels), expected)


def test_png_encoder_refuses_bad_shapes():
    with pytest.raises(ValueError, match="1, 3 or 4 channels"):
        png.encode(b"\0" * 8, 2, 2, 2)
    with pytest.raises(ValueError, match="not 2 rows"):
        png.encode(b"\0" * 5, 2, 2, 1)
    assert png.size(b"not a png") is None


def test_a_dataframe_gives_its_head_and_describe_as_csv():
    frame = pd.DataFrame({"x": range(100), "name": [f"<b>{i}</b>" for i in range(100)]})
    head, describe = visualizations.builtin(frame)
    assert (head.name, head.media_type, head.title) == ("head", CSV, "first 10 of 100 rows")
    table = visualizations.table(head.data)
    assert table.header == ["", "x", "name"] and len(table.rows) == visualizations.HEAD_ROWS
    assert table.rows[0] == ["0", "0", "<b>0</b>"]  # raw text: readers escape it
    assert describe.name == "describe"
    stats = {row[0]: row[1] for row in visualizations.table(describe.data).rows}
    assert stats["count"] == "100" and stats["mean"] == "49.5"


def test_a_wide_dataframe_is_cut_to_max_columns_and_says_so():
    frame = pd.DataFrame(np.zeros((3, 60)), columns=[f"c{i}" for i in range(60)])
    head, _ = visualizations.builtin(frame)
    assert head.title == "first 3 of 3 rows, first 50 of 60 columns"
    assert len(visualizations.table(head.data).header) == 51  # the index, 50 columns


def test_a_series_and_an_empty_frame():
    assert [v.name for v in visualizations.builtin(pd.Series([1.0, 2.0]))] == ["head", "describe"]
    assert [v.name for v in visualizations.builtin(pd.DataFrame())] == ["head"]


@pytest.mark.parametrize(
    ("array", "shape"),
    [
        (np.arange(64, dtype=np.uint8).reshape(8, 8), (8, 8)),
        (np.full((4, 5, 3), 200, np.uint8), (4, 5, 3)),
        (np.zeros((4, 5, 4), np.uint8), (4, 5, 4)),
        (np.linspace(0, 1, 36).reshape(6, 6), (6, 6)),
        (np.ones((3, 3, 1), np.float32), (3, 3)),
    ],
)
def test_image_arrays_become_pngs(array, shape):
    (image,) = visualizations.builtin(array)
    assert (image.name, image.media_type) == ("image", PNG)
    decoded = pixels(image.data)
    assert decoded.shape == shape
    if array.dtype == np.uint8:
        assert np.array_equal(decoded, array.reshape(shape))
    else:
        assert decoded.max() == 255


@pytest.mark.parametrize(
    "array",
    [
        np.linspace(0, 2, 16).reshape(4, 4),  # float out of [0, 1]
        np.array([[0.5, np.nan], [0.1, 0.2]]),
        np.arange(16, dtype=np.int64).reshape(4, 4),  # not uint8
        np.zeros((4, 4, 5), np.uint8),  # 5 channels
        np.zeros(16, np.uint8),  # 1-D
        np.zeros((1, 16), np.uint8),  # a row, not a picture
    ],
)
def test_other_arrays_get_no_image(array):
    assert visualizations.builtin(array) == []


def test_a_matplotlib_figure_becomes_a_png():
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1.5))
    figure.subplots().plot([0, 1], [1, 0])
    (image,) = visualizations.builtin(figure)
    assert (image.name, image.media_type) == ("figure", PNG)
    assert png.size(image.data) == (200, 150)


def test_text_types_are_their_own_visualization():
    assert visualizations.builtin(HTMLString("<p>x</p>")) == [
        Visualization("html", HTML, b"<p>x</p>", "HTML")
    ]
    assert visualizations.builtin(MarkdownString("# t"))[0].media_type == MARKDOWN
    assert visualizations.builtin(CSVString("a\n1\n"))[0].media_type == CSV


@pytest.mark.parametrize("value", [1, "text", [1, 2], {"a": 1}, None, b"x", object()])
def test_plain_values_have_none(value):
    assert visualizations.builtin(value) == []


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (HTMLString("<b>x</b>"), "html"),
        (MarkdownString("# x"), "markdown"),
        (CSVString("a\n1\n"), "csv"),
    ],
)
def test_text_types_are_stored_as_text_and_load_back_as_themselves(tmp_path, value, name):
    store = LocalArtifactStore("local", {"path": "a"}, tmp_path)
    chosen = next(m for m in materializers.materializers() if m.handles(value))
    assert chosen.name == name and not chosen.fallback
    stored = store.put(f"out.{chosen.extension}", lambda fp: chosen.write(value, fp))
    assert read_verified(store, stored.uri, stored.digest) == str(value).encode()
    loaded = materializers.by_name(name).load(store, stored.uri)
    assert type(loaded) is type(value) and loaded == value


def _store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore("local", {"path": "artifacts"}, tmp_path)


def test_store_writes_each_visualization_and_records_its_digest(tmp_path):
    store, warnings = _store(tmp_path), []
    records = visualizations.store(store, "df", object(), pd.DataFrame({"a": [1, 2]}), warnings)
    assert list(records) == ["head", "describe"] and warnings == []
    for record in records.values():
        data = read_verified(store, record["uri"], record["digest"])
        assert digest_bytes(data) == record["digest"] and len(data) == record["size"]
        assert record["uri"].endswith(".csv")


class _Plugin:
    """A plugin materializer that also visualizes what it stores."""

    name, version, extension, fallback = "plugin", "1", "bin", False

    def __init__(self, made: list[Any]) -> None:
        self.made = made

    def visualize(self, value: Any) -> list[Any]:
        return self.made


def test_a_materializers_visualize_replaces_the_builtins(tmp_path):
    mine = Visualization("chart", HTML, b"<svg></svg>", "my chart")
    records = visualizations.store(
        _store(tmp_path), "df", _Plugin([mine]), pd.DataFrame({"a": [1]}), []
    )
    assert list(records) == ["chart"] and records["chart"]["title"] == "my chart"


def test_bad_visualizations_are_skipped_with_a_warning(tmp_path):
    made = [
        Visualization("ok", CSV, b"a\n1\n"),
        Visualization("ok", CSV, b"a\n2\n"),
        Visualization("bad name!", CSV, b""),
        Visualization("café", CSV, b""),
        Visualization("gif", "image/gif", b""),
        "not one",
        Visualization("text", CSV, "not bytes"),  # type: ignore[arg-type]
    ]
    warnings: list[str] = []
    records = visualizations.store(_store(tmp_path), "out", _Plugin(made), 1, warnings)
    assert list(records) == ["ok"]
    assert warnings == [
        "output 'out': visualization skipped: two visualizations are named 'ok'",
        "output 'out': visualization skipped: name 'bad name!' is not a word "
        "(ASCII letters, digits, - and _)",
        "output 'out': visualization skipped: name 'café' is not a word "
        "(ASCII letters, digits, - and _)",
        "output 'out': visualization skipped: 'gif' has media type 'image/gif' "
        "(one of text/html, text/markdown, text/csv, image/png)",
        "output 'out': visualization skipped: str is not a stackctl.types.Visualization",
        "output 'out': visualization skipped: 'text': data is str, not bytes",
    ]


def test_a_failing_visualizer_warns_and_stores_nothing(tmp_path):
    class Broken(_Plugin):
        def visualize(self, value: Any) -> list[Any]:
            raise RuntimeError("no renderer\nmore")

    warnings: list[str] = []
    assert visualizations.store(_store(tmp_path), "out", Broken([]), 1, warnings) == {}
    assert warnings == ["output 'out': no visualization (RuntimeError: no renderer)"]


def test_recorded_reads_back_in_order_and_skips_malformed_records():
    good = {"media_type": PNG, "uri": "u", "digest": "d", "size": 3, "title": "t"}
    entries = [
        MetadataEntry("r", "visualization", "s", "o", "b", good),
        MetadataEntry("r", "visualization", "s", "o", "a", {**good, "media_type": CSV}),
        MetadataEntry("r", "visualization", "s", "o", "x", {"media_type": "text/x"}),
        MetadataEntry("r", "visualization", "s", "o", "y", "not a dict"),
        MetadataEntry("r", "visualization", "s", "other", "z", good),
        MetadataEntry("r", "artifact", "s", "o", "size", 3),
    ]
    found = visualizations.recorded(entries, "s", "o")
    assert [(r.name, r.media_type, r.size) for r in found] == [("b", PNG, 3), ("a", CSV, 3)]


def test_table_is_bounded():
    data = ("h\n" + "".join(f"{i}\n" for i in range(100))).encode()
    table = visualizations.table(data, max_rows=5)
    assert table.rows == [["0"], ["1"], ["2"], ["3"], ["4"]] and table.cut
    assert not visualizations.table(b"h\n1\n").cut
    assert visualizations.table(b"") == visualizations.Table([], [], False)


def test_read_refuses_a_modified_or_oversized_visualization(tmp_path):
    store = _store(tmp_path)
    (record,) = visualizations.store(store, "t", object(), CSVString("a\n1\n"), []).values()
    found = visualizations.Recorded("table", CSV, record["uri"], record["digest"], record["size"])
    assert visualizations.read(store, found) == b"a\n1\n"
    Path(record["uri"]).write_bytes(b"a\n2\n")
    with pytest.raises(Exception, match="modified after it was written"):
        visualizations.read(store, found)
    huge = visualizations.Recorded("t", CSV, record["uri"], "d", visualizations.MAX_BYTES + 1)
    with pytest.raises(Exception, match="at most"):
        visualizations.read(store, huge)


def test_describe_of_a_long_frame_reads_only_its_first_rows(monkeypatch):
    monkeypatch.setattr(visualizations, "DESCRIBE_ROWS", 10)
    _, describe = visualizations.builtin(pd.DataFrame({"x": range(100)}))
    assert describe.title == "describe() of the first 10 rows"
    stats = {row[0]: row[1] for row in visualizations.table(describe.data).rows}
    assert stats["count"] == "10" and stats["max"] == "9"


@given(st.binary(max_size=2000), st.integers(0, 20))
def test_table_never_raises_and_stays_bounded(data, max_rows):
    table = visualizations.table(data, max_rows=max_rows)
    assert len(table.rows) <= max_rows
    assert all(len(row) <= visualizations.MAX_COLUMNS + 1 for row in table.rows)
