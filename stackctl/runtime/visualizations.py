"""Visualizations: renderings of a step output, made in the worker right after the
output is stored (where the value is still in memory), written into the artifact store
beside it and recorded with their digests as metadata of scope ``visualization``.

Built in: a DataFrame (or Series) gives two CSV tables, its first rows and
``describe()``; a 2-D/3-D uint8 array, or a float array in [0, 1], a PNG; a matplotlib
Figure a PNG; ``stackctl.types`` HTMLString, MarkdownString and CSVString themselves. A
materializer with a ``visualize(value)`` method (a plugin, through the
``stackctl.materializers`` entry points) decides for the values it stores instead.
A failing visualizer never fails the step: the step log gets a warning.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

from stackctl.components.artifact_stores.base import ArtifactStore, Writer, read_verified
from stackctl.errors import StackctlError
from stackctl.frozen import frozen
from stackctl.model import MetadataEntry
from stackctl.state.references import VISUALIZATION_SCOPE
from stackctl.types import (
    CSV,
    HTML,
    MARKDOWN,
    MEDIA_TYPES,
    PNG,
    CSVString,
    HTMLString,
    MarkdownString,
    Visualization,
)

#: The metadata scope visualization records are kept under (readers of other scopes
#: never see them; a cache hit copies them with the producer's other metadata).
SCOPE = VISUALIZATION_SCOPE
HEAD_ROWS = 10  # a DataFrame's first rows: a glimpse, never the data set
#: describe() reads every row: past this many it describes the first ones (and says so)
DESCRIBE_ROWS = 1_000_000
MAX_COLUMNS = 50
MAX_PIXELS = 4096 * 4096
#: A visualization larger than this is not stored (the step log says so).
MAX_BYTES = 16 * 1024 * 1024
#: A visualization's name: a word that fits in a URL path and a file name as it is.
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")
EXTENSIONS = {HTML: "html", MARKDOWN: "md", CSV: "csv", PNG: "png"}
#: type -> (name, media type, title) of the visualization that is the value itself
_TEXT_TYPES: dict[type, tuple[str, str, str]] = {
    HTMLString: ("html", HTML, "HTML"),
    MarkdownString: ("markdown", MARKDOWN, "Markdown"),
    CSVString: ("table", CSV, "CSV"),
}


@frozen
class Recorded:
    """A stored visualization, as its metadata records it."""

    name: str
    media_type: str
    uri: str
    digest: str
    size: int
    title: str = ""


def builtin(value: Any) -> list[Visualization]:
    """The built-in visualizations of ``value`` (by type; pandas, numpy and matplotlib
    are looked at only when the value is one of theirs, never imported to say no)."""
    kind = type(value)
    if kind in _TEXT_TYPES:
        name, media_type, title = _TEXT_TYPES[kind]
        return [Visualization(name, media_type, str(value).encode(), title)]
    qualified = f"{kind.__module__.split('.')[0]}.{kind.__qualname__}"
    if qualified == "pandas.DataFrame":
        return _frame(value)
    if qualified == "pandas.Series":
        return _frame(value.to_frame())
    if qualified == "numpy.ndarray":
        return _image(value)
    if kind.__module__.split(".")[0] == "matplotlib" and hasattr(value, "savefig"):
        return _figure(value)
    return []


def _frame(frame: Any) -> list[Visualization]:
    columns = frame.iloc[:, :MAX_COLUMNS]
    rows, total = len(frame), frame.shape[1]
    more = f", first {MAX_COLUMNS} of {total} columns" if total > MAX_COLUMNS else ""
    found = [
        Visualization(
            "head",
            CSV,
            columns.head(HEAD_ROWS).to_csv().encode(),
            f"first {min(rows, HEAD_ROWS)} of {rows} rows{more}",
        )
    ]
    if total:  # describe() of a frame without columns raises
        stats = columns.iloc[:DESCRIBE_ROWS].describe().to_csv(float_format="%.6g")
        title = "describe()"
        if rows > DESCRIBE_ROWS:
            title = f"describe() of the first {DESCRIBE_ROWS} rows"
        found.append(Visualization("describe", CSV, stats.encode(), title))
    return found


def _image(array: Any) -> list[Visualization]:
    import numpy as np

    from stackctl.runtime import png  # zlib and struct: only for an image

    if array.ndim == 3 and array.shape[2] in (1, 3, 4):
        channels = int(array.shape[2])
    elif array.ndim == 2:
        channels = 1
    else:
        return []
    height, width = int(array.shape[0]), int(array.shape[1])
    if height < 2 or width < 2 or height * width > MAX_PIXELS:
        return []
    if array.dtype == np.uint8:
        pixels = array
    elif array.dtype.kind == "f":
        # "in image range": floats in [0, 1], as matplotlib's imshow takes them
        if not (np.isfinite(array).all() and array.min() >= 0 and array.max() <= 1):
            return []
        pixels = np.rint(array * 255).astype(np.uint8)
    else:
        return []
    data = png.encode(np.ascontiguousarray(pixels).tobytes(), width, height, channels)
    return [Visualization("image", PNG, data, f"{width}x{height} image")]


def _figure(figure: Any) -> list[Visualization]:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return [Visualization("figure", PNG, buffer.getvalue(), "figure")]


def produce(materializer: object, value: Any) -> list[Visualization]:
    """What the materializer's ``visualize`` gives, else the built-ins."""
    custom = getattr(materializer, "visualize", None)
    found: Iterable[Visualization] | None = custom(value) if callable(custom) else builtin(value)
    return list(found or [])


def store(
    artifact_store: ArtifactStore,
    output: str,
    materializer: object,
    value: Any,
    warnings: list[str],
) -> dict[str, dict[str, Any]]:
    """Make and store the visualizations of one output; name -> its record (JSON)."""
    try:
        found = produce(materializer, value)
    except Exception as exc:  # a broken visualizer: the output itself is fine
        warnings.append(f"output {output!r}: no visualization ({_why(exc)})")
        return {}
    records: dict[str, dict[str, Any]] = {}
    for item in found:
        problem = _problem(item, records)
        if problem:
            warnings.append(f"output {output!r}: visualization skipped: {problem}")
            continue
        filename = f"{output}.{item.name}.{EXTENSIONS[item.media_type]}"
        try:
            stored = artifact_store.put(filename, _writer(item.data))
        except Exception as exc:
            warnings.append(
                f"output {output!r}: visualization {item.name!r} not stored ({_why(exc)})"
            )
            continue
        records[item.name] = {
            "media_type": item.media_type,
            "uri": stored.uri,
            "digest": stored.digest,
            "size": stored.size,
            "title": item.title,
        }
    return records


def _writer(data: bytes) -> Writer:
    return lambda fp: fp.write(data)


def _problem(item: object, seen: Mapping[str, object]) -> str:
    if not isinstance(item, Visualization):
        return f"{type(item).__name__} is not a stackctl.types.Visualization"
    if not isinstance(item.name, str) or not _NAME.fullmatch(item.name):
        return f"name {item.name!r} is not a word (ASCII letters, digits, - and _)"
    if item.name in seen:
        return f"two visualizations are named {item.name!r}"
    if item.media_type not in MEDIA_TYPES:
        return f"{item.name!r} has media type {item.media_type!r} (one of {', '.join(MEDIA_TYPES)})"
    if not isinstance(item.data, bytes):
        return f"{item.name!r}: data is {type(item.data).__name__}, not bytes"
    if len(item.data) > MAX_BYTES:
        return f"{item.name!r} is {len(item.data)} bytes (at most {MAX_BYTES})"
    return ""


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def recorded(entries: Iterable[MetadataEntry], step: str, output: str) -> list[Recorded]:
    """The visualizations recorded for ``step.output``, in the order they were made
    (a malformed record, e.g. from a hand-edited state, is left out)."""
    found = []
    for e in entries:
        if e.scope != SCOPE or e.step != step or e.output != output:
            continue
        v = e.value
        if not isinstance(v, Mapping) or v.get("media_type") not in MEDIA_TYPES:
            continue
        if not all(isinstance(v.get(k), str) for k in ("uri", "digest")):
            continue
        size = v.get("size")
        title = v.get("title")
        found.append(
            Recorded(
                e.key,
                str(v["media_type"]),
                str(v["uri"]),
                str(v["digest"]),
                size if isinstance(size, int) else 0,
                title if isinstance(title, str) else "",
            )
        )
    return found


def read(artifact_store: ArtifactStore, record: Recorded) -> bytes:
    """A visualization's bytes, refused unless they hash to the recorded digest (and
    never more than MAX_BYTES are read)."""
    if record.size > MAX_BYTES:
        raise StackctlError(
            f"visualization {record.name!r} is {record.size} bytes (at most {MAX_BYTES} are read)",
            hint="open it in the artifact store: " + record.uri,
        )
    return read_verified(artifact_store, record.uri, record.digest, f"visualization {record.name}")


#: Rows of a CSV visualization shown (the CLI and the dashboard agree).
TABLE_ROWS = 50


@frozen
class Table:
    header: list[str]
    rows: list[list[str]]
    cut: bool  # more rows (or one too long to parse) were left out


def table(data: bytes, max_rows: int = TABLE_ROWS) -> Table:
    """A CSV visualization as a bounded table: at most ``max_rows`` rows, MAX_COLUMNS
    columns besides the first (a DataFrame's index)."""
    import csv  # only to show one: not on the run path

    width = MAX_COLUMNS + 1
    reader = csv.reader(io.StringIO(data.decode("utf-8", "replace")))
    header: list[str] = []
    rows: list[list[str]] = []
    try:
        header = next(reader, [])[:width]
        for row in reader:
            if len(rows) == max_rows:
                return Table(header, rows, True)
            rows.append(row[:width])
    except csv.Error:  # a field over the csv module's limit: show what came before it
        return Table(header, rows, True)
    return Table(header, rows, False)
