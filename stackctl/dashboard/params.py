"""Validation of everything a URL can carry: path parameters and query strings.

Values are checked before they reach a store, so a bad request is a 400 (or a 404 for
a name that cannot exist) and never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException

#: Stack, component, pipeline and step names (the schemas are stricter; this only keeps
#: junk out of lookups and URLs).
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
#: A run id or a unique prefix of one.
RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}\Z")
#: `interrupted` is derived from the run's lease (runtime.liveness), never stored.
RUN_STATUSES = ("running", "completed", "failed", "cancelled", "interrupted")
MAX_LIMIT = 1000


def bad_request(message: str) -> HTTPException:
    return HTTPException(400, message)


def name(value: str, what: str) -> str:
    """A path name; anything else cannot exist, so it is a 404."""
    if not NAME.match(value):
        raise HTTPException(404, f"{what} {value!r} does not exist")
    return value


def run_id(value: str) -> str:
    if not RUN_ID.match(value):
        raise HTTPException(404, f"run {value!r} does not exist")
    return value


def integer(query: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high] (400 otherwise)."""
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        raise bad_request(f"{key} must be a whole number between {low} and {high}, not {raw!r}")
    value = int(raw)
    if not low <= value <= high:
        raise bad_request(f"{key} must be between {low} and {high}, not {value}")
    return value


def page(query: Mapping[str, str], default_limit: int = 50) -> tuple[int, int]:
    """``limit`` (1..1000) and ``offset`` (>= 0) from a query string."""
    limit = integer(query, "limit", default_limit, 1, MAX_LIMIT)
    offset = integer(query, "offset", 0, 0, 10**9)
    return limit, offset


def filter_name(query: Mapping[str, str], key: str) -> str | None:
    """An optional name filter such as ``?stack=dev``."""
    raw = query.get(key)
    if raw is None or raw == "":
        return None
    if not NAME.match(raw):
        raise bad_request(f"{key} must be a name (letters, digits, _ . -), not {raw!r}")
    return raw


def status(query: Mapping[str, str]) -> str | None:
    raw = query.get("status")
    if raw is None or raw == "":
        return None
    if raw not in RUN_STATUSES:
        raise bad_request(f"status must be one of {', '.join(RUN_STATUSES)}, not {raw!r}")
    return raw


def run_query(query: Mapping[str, str], default_limit: int = 50) -> dict[str, Any]:
    """The keyword arguments of ``runs.page`` from a run-list query string (API and page)."""
    limit, offset = page(query, default_limit)
    return {
        "stack": filter_name(query, "stack"),
        "pipeline": filter_name(query, "pipeline"),
        "status": status(query),
        "limit": limit,
        "offset": offset,
    }
