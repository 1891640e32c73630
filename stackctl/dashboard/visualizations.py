"""Visualizations on the dashboard: an output's recorded renderings (runtime/
visualizations.py), read from the artifact store and checked against their digests.

A CSV table is drawn into the page (every cell escaped by the template); a PNG is an
``<img>`` served as ``image/png``; HTML, and markdown rendered to HTML (its raw HTML
shown as text), are served only into an ``<iframe sandbox>`` with a response CSP that
allows no script, no request and no same-origin access (``FRAME_CSP``), so a hostile
report can neither run code nor reach the dashboard.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from stackctl.components.artifact_stores.base import digest_bytes
from stackctl.dashboard.runs import output_url
from stackctl.errors import NotFoundError, StackctlError
from stackctl.model import MetadataEntry
from stackctl.runtime import visualizations
from stackctl.runtime.visualizations import Recorded
from stackctl.types import CSV, HTML, MARKDOWN, PNG

#: The CSP of a framed visualization: nothing but inline styles and data: images; the
#: ``sandbox`` directive keeps it sandboxed even when opened outside the iframe.
FRAME_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox"
)
_PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><style>'
    "body{font:14px/1.5 system-ui,sans-serif;margin:12px;color:#1b1f24}"
    "table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:2px 6px}"
    "code,pre{background:#f6f8fa}</style></head><body>{body}</body></html>"
)


class VisualizationError(StackctlError):
    """A visualization that cannot be shown (missing, too large or modified)."""


def find(entries: Iterable[MetadataEntry], step: str, output: str, name: str) -> Recorded:
    for record in visualizations.recorded(entries, step, output):
        if record.name == name:
            return record
    raise NotFoundError(f"output {step}.{output} has no visualization {name!r}")


def read(record: Recorded) -> bytes:
    """The bytes, at most MAX_BYTES of them, refused unless they hash to the digest."""
    from fsspec.core import url_to_fs

    limit = visualizations.MAX_BYTES
    if record.size > limit:
        raise VisualizationError(f"visualization {record.name!r} is over {limit} bytes")
    try:
        fs, path = url_to_fs(record.uri)
        with fs.open(path, "rb") as fh:
            data = bytes(fh.read(limit + 1))
    except Exception as exc:  # any backend failure is a message on the page
        raise VisualizationError(f"visualization {record.name!r} cannot be read: {exc}") from None
    if len(data) > limit or digest_bytes(data) != record.digest:
        raise VisualizationError(
            f"visualization {record.name!r} at {record.uri} was modified after it was written",
            hint="re-run the step that produced it; never edit files in the artifact store",
        )
    return data


def shown(
    entries: Iterable[MetadataEntry], run_id: str, step: str, output: str
) -> list[dict[str, Any]]:
    """What the artifact page draws for each visualization: ``kind`` is table, image,
    frame (sandboxed iframe) or error; tables are read here, the rest by the browser."""
    found = []
    for record in visualizations.recorded(entries, step, output):
        url = f"{output_url(run_id, step, output)}/visualizations/{quote(record.name, safe='')}"
        item: dict[str, Any] = {
            "name": record.name,
            "title": record.title or record.name,
            "media_type": record.media_type,
            "size": record.size,
            "digest": record.digest,
            "url": url,
            "kind": {CSV: "table", PNG: "image", HTML: "frame", MARKDOWN: "frame"}[
                record.media_type
            ],
        }
        if record.media_type == CSV:
            try:
                table = visualizations.table(read(record))
            except VisualizationError as exc:
                item.update(kind="error", error=exc.message)
            else:
                item.update(header=table.header, rows=table.rows, cut=table.cut)
        found.append(item)
    return found


def body(record: Recorded, data: bytes) -> tuple[bytes, str]:
    """(response body, content type) of a visualization's raw endpoint."""
    if record.media_type == PNG:
        return data, "image/png"
    if record.media_type == MARKDOWN:
        from markdown_it import MarkdownIt

        # commonmark with html off: <script> in the markdown is rendered as text
        rendered = (
            MarkdownIt("commonmark", {"html": False})
            .enable("table")
            .render(data.decode("utf-8", "replace"))
        )
        return _PAGE.replace("{body}", rendered).encode(), "text/html; charset=utf-8"
    if record.media_type == HTML:
        return data, "text/html; charset=utf-8"
    return data, "text/plain; charset=utf-8"  # CSV: shown as text, never sniffed
