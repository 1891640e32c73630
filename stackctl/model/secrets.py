"""`${secret:NAME}` references: found in a config value, and redacted from it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SENSITIVE = "(sensitive)"

# `${secret:NAME}` survives config resolution as literal text; it is resolved only at
# apply/run time (see stackctl.secrets) and redacted everywhere else.
SECRET_REF = re.compile(r"\$\{secret:([A-Za-z_][A-Za-z0-9_.-]*)\}")


def secret_names(value: Any) -> list[str]:
    """Names of every `${secret:NAME}` reference inside a (nested) config value."""
    found: list[str] = []
    if isinstance(value, str):
        found.extend(SECRET_REF.findall(value))
    elif isinstance(value, Mapping):
        for item in value.values():
            found.extend(secret_names(item))
    elif isinstance(value, list | tuple):
        for item in value:
            found.extend(secret_names(item))
    return found


def redact(value: Any) -> Any:
    """A copy of a config value with every secret-bearing leaf replaced by `(sensitive)`."""
    if isinstance(value, str):
        return SENSITIVE if SECRET_REF.search(value) else value
    if isinstance(value, Mapping):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value
