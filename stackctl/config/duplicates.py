"""A round-trip constructor that reports a duplicate key with both of its lines.

ruamel's own DuplicateKeyError shows the two *values* and a link to its docs; users need
the line where the key was first defined, so we find it among the mapping's key nodes.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.constructor import RoundTripConstructor


class DuplicateKey(Exception):
    """A key appears twice in one mapping (positions are 1-based)."""

    def __init__(self, key: str, line: int, column: int, first_line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line
        self.column = column
        self.first_line = first_line


class StrictConstructor(RoundTripConstructor):  # type: ignore[misc]
    """RoundTripConstructor whose duplicate-key error names the first definition."""

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
