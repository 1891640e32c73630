"""Types a step returns to say what its output *is*, so it is shown rendered.

    from stackctl.types import HTMLString, MarkdownString, CSVString

    @step
    def report() -> MarkdownString:
        return MarkdownString("# Accuracy\n\n**0.97** on the test split")

Each is a plain ``str`` to every step that reads it; stored as UTF-8 text and loaded
back as the same type. The dashboard renders it on the artifact page (HTML and rendered
markdown only inside a sandboxed iframe); `stackctl artifacts show` prints its text form.

``Visualization`` is what a materializer's ``visualize(value)`` returns (docs/artifacts.md).
This module imports nothing from stackctl: plugins and user code may import it freely.
"""

from __future__ import annotations

from stackctl.frozen import frozen


class HTMLString(str):
    """HTML to render (in a sandboxed iframe: its scripts never run)."""

    __slots__ = ()


class MarkdownString(str):
    """Markdown to render (raw HTML inside it is shown as text)."""

    __slots__ = ()


class CSVString(str):
    """Comma-separated values with a header row, shown as a table."""

    __slots__ = ()


#: Media types a visualization may have; readers show anything else as a download.
HTML, MARKDOWN, CSV, PNG = "text/html", "text/markdown", "text/csv", "image/png"
MEDIA_TYPES = (HTML, MARKDOWN, CSV, PNG)


@frozen
class Visualization:
    """One rendering of a value, stored in the artifact store beside it.

    ``name`` is a word unique among the value's visualizations (``head``, ``image``);
    ``media_type`` one of MEDIA_TYPES; ``data`` the bytes (UTF-8 for text types).
    """

    name: str
    media_type: str
    data: bytes
    title: str = ""
