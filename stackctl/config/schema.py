"""JSON Schema validation (draft 2020-12) that reports every error at its file:line:col."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from stackctl.config.yaml import Document, PathKey
from stackctl.errors import Diagnostic


@cache
def load_schema(path: Path) -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(path.read_text())
    return data


def closest(word: str, choices: Any) -> str:
    """` did you mean 'x'?` or nothing."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else ""


def validate(
    doc: Document,
    instance: Any,
    schema: Mapping[str, Any],
    at: PathKey = (),
) -> Iterator[Diagnostic]:
    """Every schema error of ``instance`` (found at ``at`` inside ``doc``), most specific first."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    for error in sorted(
        validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))
    ):
        yield from _diagnose(doc, error, at)


def _diagnose(doc: Document, error: Any, at: PathKey) -> Iterator[Diagnostic]:
    path: PathKey = (*at, *error.absolute_path)
    where = ".".join(map(str, path)) or "(document)"
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key not in allowed:
                hint = closest(key, allowed) or (
                    f"allowed keys: {', '.join(allowed)}" if allowed else "remove it"
                )
                yield doc.error((*path, key), f"{where}: unknown key {key!r}", hint)
        return
    if kind in ("anyOf", "oneOf") and error.context:
        best = min(error.context, key=lambda e: len(list(e.absolute_path)))
        yield from _diagnose(doc, best, at)
        return
    if kind == "enum":
        hint = closest(error.instance, error.validator_value)
        choices = ", ".join(map(repr, error.validator_value))
        yield doc.error(path, f"{where}: {error.instance!r} is not one of [{choices}]", hint)
        return
    if kind == "required":
        yield doc.error(path, f"{where}: {error.message}", "add the missing key")
        return
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        got = type(error.instance).__name__
        got = {"dict": "mapping", "list": "list", "NoneType": "null", "str": "string"}.get(got, got)
        yield doc.error(path, f"{where}: expected {expected}, got {got} {_short(error.instance)}")
        return
    if kind == "pattern" and error.absolute_path and error.path:
        yield doc.error(
            path, f"{where}: {_short(error.instance)} does not match {error.validator_value}"
        )
        return
    if kind == "propertyNames":
        yield doc.error(
            path,
            f"{where}: invalid name {_short(error.instance)}",
            "names are letters, digits, _ and -, starting with a letter or _",
        )
        return
    yield doc.error(path, f"{where}: {error.message}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
