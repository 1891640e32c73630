"""How the validation step's report is stored and shown: JSON on disk, loaded back as a
plain dict, with its HTML page as a visualization (the dashboard shows it sandboxed).

The report is a ``ReportDict``, a dict only this materializer claims, so every other
dict output keeps the plain JSON materializer and its cache keys.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.types import HTML, Visualization


class ReportDict(dict[str, Any]):
    """A validation report as a step output (``ValidationReport.to_dict``)."""


class ReportMaterializer:
    name, version, extension, fallback = "validation_report", "1", "json", False

    def handles(self, value: Any) -> bool:
        return type(value) is ReportDict

    def write(self, value: Any, fp: BinaryIO) -> None:
        fp.write(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())

    def load(self, store: ArtifactStore, uri: str) -> Any:
        with store.open(uri) as fp:
            return json.loads(fp.read())

    def visualize(self, value: Any) -> list[Visualization]:
        page = value.get("html") if isinstance(value, dict) else None
        if not isinstance(page, str):
            return []
        return [Visualization("report", HTML, page.encode(), "validation report")]
