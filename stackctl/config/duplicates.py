"""A round-trip constructor with errors a user can act on.

* A duplicate key names the line where the key was first defined (ruamel's own
  DuplicateKeyError shows the two *values* and a link to its docs).
* A value that cannot be constructed (`2024-13-45`, `!!int x`, `!!bool maybe`) is
  reported at its own position; ruamel lets a bare ValueError or KeyError escape.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import YAMLError


class DuplicateKey(Exception):
    """A key appears twice in one mapping (positions are 1-based)."""

    def __init__(self, key: str, line: int, column: int, first_line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line
        self.column = column
        self.first_line = first_line


class BadValue(Exception):  # an internal signal, translated in yaml.py
    """A scalar or tagged node that cannot be turned into a value."""

    def __init__(self, text: str, reason: str, line: int, column: int) -> None:
        super().__init__(reason)
        self.text = text
        self.reason = reason
        self.line = line
        self.column = column


# YAML 1.2 core and the 1.1 types ruamel reads by default; anything else (`!custom`,
# `!!python/name:os.system`) would be silently kept as text or dropped, so it is refused.
STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in (
        [
            "str",
            "int",
            "float",
            "bool",
            "null",
            "map",
            "seq",
            "omap",
            "pairs",
            "set",
            "binary",
            "timestamp",
            "merge",
            "value",
        ]
    )
)


class BadTag(Exception):  # an internal signal, translated in yaml.py
    """A node with a tag stackctl does not read (positions are 1-based)."""

    def __init__(self, tag: str, line: int, column: int) -> None:
        super().__init__(tag)
        self.tag = tag
        self.line = line
        self.column = column


class StrictConstructor(RoundTripConstructor):  # type: ignore[misc]
    """RoundTripConstructor with located duplicate-key, bad-value and bad-tag errors."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        tag = str(getattr(node.tag, "value", node.tag))
        if tag not in STANDARD_TAGS:
            mark = node.start_mark
            raise BadTag(tag, mark.line + 1, mark.column + 1)
        try:
            return super().construct_object(node, deep=deep)
        except (YAMLError, DuplicateKey, BadValue, BadTag, RecursionError):
            raise
        except Exception as exc:  # ruamel's constructors let ValueError, IndexError... out
            mark = node.start_mark
            text = node.value if isinstance(node.value, str) else str(node.tag)
            # A KeyError's text is only the key (e.g. `!!bool maybe` -> 'maybe').
            reason = "not valid for its tag" if isinstance(exc, KeyError) else str(exc)
            raise BadValue(text, reason, mark.line + 1, mark.column + 1) from None

    def check_mapping_key(
        self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any
    ) -> bool:
        if key not in mapping:
            return True
        first = next(
            (
                k
                for k, _ in node.value
                if k is not key_node and getattr(k, "value", None) == key_node.value
            ),
            key_node,
        )
        mark = key_node.start_mark
        raise DuplicateKey(str(key), mark.line + 1, mark.column + 1, first.start_mark.line + 1)
