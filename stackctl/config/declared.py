"""Bookkeeping shared by the builders: collected diagnostics and named declarations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stackctl.config.yaml import Document, PathKey, pointer
from stackctl.errors import ConfigError, Diagnostic


@dataclass
class Collector:
    """Accumulates diagnostics across files."""

    problems: list[Diagnostic] = field(default_factory=list)

    def add(self, doc: Document, path: PathKey, message: str, hint: str = "") -> None:
        """A problem with the key at ``path`` (its name is highlighted)."""
        self.problems.append(doc.error(path, message, hint))

    def add_value(self, doc: Document, path: PathKey, message: str, hint: str = "") -> None:
        """A problem with the value at ``path`` (e.g. a reference that does not resolve)."""
        self.problems.append(doc.value_error(path, message, hint))

    def extend(self, diagnostics: Any) -> None:
        self.problems.extend(diagnostics)

    def guard(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            self.problems.extend(exc.diagnostics)
            return None


@dataclass
class Declared:
    """One named declaration (component, stack or pipeline) and where it came from."""

    doc: Document
    path: PathKey
    value: Any
    bad: frozenset[str] = frozenset()  # JSON pointers (inside this file) with schema errors

    def broken(self, *sub: str | int) -> bool:
        """Whether the schema check failed at or below this declaration (or ``sub``)."""
        if not self.bad:  # the usual case: skip building the pointer
            return False
        prefix = pointer((*self.path, *sub))
        return any(p == prefix or p.startswith(prefix + "/") for p in self.bad)

    def field(self, name: str, kind: type | tuple[type, ...]) -> Any:
        """``value[name]`` if it passed the schema and has the expected type, else None."""
        if not isinstance(self.value, dict) or self.broken(name):
            return None
        item = self.value.get(name)
        return item if isinstance(item, kind) and not isinstance(item, bool) else None
