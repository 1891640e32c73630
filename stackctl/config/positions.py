"""Positions of keys in project files, looked up after the load (for later checks).

The model keeps one location per declaration; checks made after the load (e.g. of step
functions in ``runtime/references.py``) point at a key inside it. Those are rare (only
for problems), so the file is read again here rather than every position kept.
"""

from __future__ import annotations

from pathlib import Path

from stackctl.config.yaml import Document, PathKey, read_document
from stackctl.errors import ConfigError, Location


class Positions:
    """Locates key paths in the project's files, reading each file at most once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._docs: dict[str, Document | None] = {}

    def locate(self, file: str, key_path: PathKey, *, value: bool = False) -> Location:
        """The position of the key (or with ``value``, its value) at ``key_path``."""
        doc = self._doc(file)
        if doc is None:
            return Location(file)
        return doc.locate_value(key_path) if value else doc.locate(key_path)

    def _doc(self, file: str) -> Document | None:
        if file not in self._docs:
            try:
                self._docs[file] = read_document(self.root / file, file)
            except ConfigError:  # changed since the load: the file name is all we have
                self._docs[file] = None
        return self._docs[file]
