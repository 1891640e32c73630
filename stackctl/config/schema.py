"""JSON Schema validation (draft 2020-12) that reports every error at its file:line:col.

Messages are one line, start with the dotted key path and never dump a whole value.
An unknown key is reported at the key; every other problem at the offending value.
A schema may name what its keys are with ``x-key-noun`` (e.g. "component type"), so
an unknown one reads "unknown component type 'x'" instead of "unknown key 'x'".
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from stackctl.config.patterns import pattern_keyword
from stackctl.config.yaml import Document, PathKey, dotted
from stackctl.errors import Diagnostic

_JSON_TYPES = {
    "dict": "mapping",
    "list": "list",
    "NoneType": "null",
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
}

_SCHEMA_TYPES = {"object": "mapping", "array": "list"}


@cache
def load_schema(path: Path) -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(path.read_text())
    return data


def closest(word: Any, choices: Any) -> str:
    """`did you mean 'x'?` or nothing."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else ""


def validate(
    doc: Document,
    instance: Any,
    schema: Mapping[str, Any],
    at: PathKey = (),
) -> Iterator[Diagnostic]:
    """Every schema error of ``instance`` (found at ``at`` inside ``doc``), in file order."""
    validator = _validator(schema)
    for error in sorted(
        validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))
    ):
        yield from _diagnose(doc, error, at)


# id(schema) -> (schema, its validator): the schema is kept so that its id stays unique.
_VALIDATORS: dict[int, tuple[Mapping[str, Any], Any]] = {}


def _validator(schema: Mapping[str, Any]) -> Any:
    """One compiled validator per schema object (a project validates thousands of configs
    against a few flavor schemas), with local `$ref`s inlined: resolving a reference
    through ``referencing`` on every instance was a third of the validation time."""
    cached = _VALIDATORS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    validator = _validator_class()(_inline_refs(schema, schema, ()))
    _VALIDATORS[id(schema)] = (schema, validator)
    return validator


@cache
def _validator_class() -> Any:
    """Draft 2020-12, with ``pattern`` as ECMA-262 reads it (config/patterns.py)."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend

    return extend(Draft202012Validator, validators={"pattern": pattern_keyword})  # type: ignore[no-untyped-call]


def _inline_refs(node: Any, root: Mapping[str, Any], seen: tuple[str, ...]) -> Any:
    """``node`` with every bare ``{"$ref": "#/..."}`` replaced by its target.

    Only a lone `$ref` is inlined (with siblings it would change what an error names),
    and never a recursive one (it stays a `$ref`, which jsonschema resolves itself).
    """
    if isinstance(node, list):
        return [_inline_refs(v, root, seen) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and len(node) == 1 and ref.startswith("#/") and ref not in seen:
        target: Any = root
        try:
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
        except (KeyError, IndexError, TypeError):
            return node
        if isinstance(target, dict) and "$id" not in target and "$anchor" not in target:
            return _inline_refs(target, root, (*seen, ref))
        return node
    return {k: _inline_refs(v, root, seen) for k, v in node.items()}


_NAME_HINT = "names are letters, digits, _ and -, start with a letter or _, at most 63 long"


def _diagnose(doc: Document, error: Any, at: PathKey) -> Iterator[Diagnostic]:
    path: PathKey = (*at, *error.absolute_path)
    where = dotted(path)
    prefix = f"{where}: " if where else ""
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        yield from _unknown_keys(doc, error, path, prefix)
        return
    if kind in ("anyOf", "oneOf") and error.context:
        # An alternative of the value's own type (a mapping for a mapping) says what is
        # wrong inside it; "expected string" from another alternative would mislead.
        fits = [e for e in error.context if not (e.validator == "type" and not e.relative_path)]
        best = min(fits or error.context, key=lambda e: len(list(e.absolute_path)))
        yield from _diagnose(doc, best, at)
        return
    if kind == "required" and isinstance(error.instance, dict):
        for key in error.validator_value:
            if key not in error.instance:
                yield doc.error(path, f"{prefix}missing required key {key!r}", f"add `{key}:`")
        return
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        # jsonschema reports a bad key at its mapping; point at the key itself
        yield doc.error(
            (*path, error.instance), f"{prefix}invalid name {_short(error.instance)}", _NAME_HINT
        )
        return
    message, hint = _describe(error)
    yield doc.value_error(path, f"{prefix}{message}", hint)


def _unknown_keys(doc: Document, error: Any, path: PathKey, prefix: str) -> Iterator[Diagnostic]:
    allowed = list(error.schema.get("properties", {}))
    noun = error.schema.get("x-key-noun", "key")
    plural = error.schema.get("x-key-noun-plural", noun + "s")
    for key in error.instance:
        if key in allowed:
            continue
        suggestion = closest(key, allowed)
        listing = f"known {plural}: {', '.join(allowed)}" if allowed else "remove it"
        if suggestion and noun != "key":
            hint = f"{suggestion} ({listing})"
        else:
            hint = suggestion or listing
        yield doc.error((*path, key), f"{prefix}unknown {noun} {key!r}", hint)


def _describe(error: Any) -> tuple[str, str]:
    """(message, hint) for one schema error about a value."""
    kind, value, expected = error.validator, error.instance, error.validator_value
    if kind == "type":
        names = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(_SCHEMA_TYPES.get(str(n), str(n)) for n in names)
        got = _JSON_TYPES.get(type(value).__name__, type(value).__name__)
        shown = "" if value is None or isinstance(value, dict | list) else f" {_short(value)}"
        return f"expected {wanted}, got {got}{shown}", ""
    if kind == "enum":
        choices = ", ".join(map(repr, expected))
        return f"{_short(value)} is not one of [{choices}]", closest(value, expected)
    if kind == "const":
        return f"{_short(value)} must be {expected!r}", ""
    if kind == "pattern":
        # A schema may word the error itself, e.g. so that a credential is not echoed.
        if "x-pattern-message" in error.schema:
            return error.schema["x-pattern-message"], error.schema.get("x-pattern-hint", "")
        return f"{_short(value)} does not match {expected}", str(error.schema.get("x-hint", ""))
    if kind == "propertyNames":
        return f"invalid name {_short(value)}", _NAME_HINT
    if kind in ("minimum", "exclusiveMinimum"):
        return f"{_short(value)} is below the minimum of {expected}", ""
    if kind in ("maximum", "exclusiveMaximum"):
        return f"{_short(value)} is above the maximum of {expected}", ""
    if kind in ("minLength", "minItems", "minProperties"):
        what = {"minLength": "characters", "minItems": "items", "minProperties": "entries"}[kind]
        return f"needs at least {expected} {what}", ""
    if kind in ("maxLength", "maxItems", "maxProperties"):
        what = {"maxLength": "characters", "maxItems": "items", "maxProperties": "entries"}[kind]
        return f"{_short(value)} has more than {expected} {what}", ""
    if kind == "uniqueItems":
        return "items must be unique", "remove the repeated item"
    return " ".join(str(error.message).split())[:200], ""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
