"""`--var NAME=VALUE` parsing: the value is read as one YAML scalar (3 -> int, true -> bool).

Collections, anchors and tags are kept as plain text: a command-line value is one
scalar, and refusing to parse anything bigger means no alias bomb can hide in a flag.
"""

from __future__ import annotations

import re
from typing import Any

from stackctl.errors import ConfigError, Diagnostic, Location

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*\Z")
_NOT_SCALAR = tuple("[{&*!|>%@`#")


def parse_var(text: str, *, flag: str = "--var") -> tuple[str, Any]:
    """`name=value` from ``flag`` (--var, --param), as (name, typed value); ConfigError
    when malformed."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not NAME.match(name):
        raise ConfigError(
            [
                Diagnostic(
                    Location(flag),
                    f"{text[:80]!r} is not NAME=VALUE",
                    "",
                    f"write {flag} name=value; names are letters, digits, _ and -",
                )
            ]
        )
    return name, scalar(raw)


def scalar(raw: str) -> Any:
    """The YAML 1.2 scalar ``raw`` denotes (int, float, bool, null, string)."""
    text = raw.strip()
    if not text or "\n" in text or text.startswith(_NOT_SCALAR) or len(text) > 1000:
        return raw
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        value = YAML(typ="safe", pure=True).load(text)
    except (YAMLError, ValueError, RecursionError):
        return raw
    return value if isinstance(value, bool | int | float | str) else raw
