"""JSON Schema ``pattern`` with the semantics the specification gives it (ECMA-262).

The jsonschema library matches a ``pattern`` with Python's ``re.search``, where ``$``
also matches before a final newline: ``^[A-Za-z_][A-Za-z0-9_-]*$`` accepted the name
``"hello\\n"`` (a quoted YAML key), which then broke every table that showed it. In
ECMA-262, which the schemas are written for (editors check them so), ``$`` is the end
of the input only. ``ecma`` rewrites each anchor ``$`` into Python's ``\\Z``; a ``$``
escaped or inside a character class is a literal and stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any


@cache
def ecma(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled so that ``$`` matches only at the end of the text."""
    out: list[str] = []
    escaped = in_class = False
    opened = 0  # where the class's members start (after `[` or `[^`)
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            if char == "^" and len(out) == opened:
                opened += 1  # `[^`: a negated class
            elif char == "]" and len(out) > opened:  # `[]...]`: a leading ] is a member
                in_class = False
        elif char == "[":
            in_class, opened = True, len(out) + 1
        elif char == "$":
            out.append(r"\Z")
            continue
        out.append(char)
    return re.compile("".join(out))


def pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """jsonschema's ``pattern`` keyword (same error, same message) with ``ecma``."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not ecma(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")
