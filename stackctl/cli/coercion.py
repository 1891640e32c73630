"""Option values without pydantic for what needs none of it.

typer 0.29 coerces the value of every option a command is given (and of every one it
is not: a default goes through too) with a pydantic ``TypeAdapter``, built on first use.
Importing pydantic and pydantic-core for that cost 55 ms of every command, a third of
`stackctl runs list`, plus ~2 ms per adapter. Most of that work has an answer without
pydantic: an absent option, a string option given a string, a count given digits, a
repeatable option not repeated. ``install`` has typer build a ``_Lazy`` parameter that
answers those cases itself, with the value typer's own adapter returns for them, and
hands anything else (an enum, a path, a number out of its bounds, text not plainly a
number, a bad value and its error message) to the parameter typer would have built,
built then. A test compares the two over generated input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from typer import _coercion, core

_INT = re.compile(r"-?[0-9]{1,18}\Z")  # int() and pydantic agree here (no _, +, spaces)
_FLOAT = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?\Z")
_UNKNOWN: Any = object()  # no answer without typer's own parameter

_original = _coercion.build_runtime_param


def install() -> None:
    """Make typer build ``_Lazy`` parameters (once; idempotent)."""
    core.build_runtime_param = _build  # type: ignore[attr-defined]  # typer.core's name for it


def _build(descriptor: _coercion.TypeDescriptor) -> _coercion.RuntimeParam:
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return _original(descriptor)  # opens files, or the command's own parser
    return _Lazy(annotation=descriptor.annotation, parameter_info=info, descriptor=descriptor)


@dataclass(frozen=True)
class _Lazy(_coercion.RuntimeParam):
    descriptor: _coercion.TypeDescriptor
    # typer's parameter, built the first time a value needs it (a frozen dataclass, so
    # kept in a list)
    built: list[_coercion.RuntimeParam] = field(default_factory=list)

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        answer = plain_value(self.annotation, self.parameter_info, value)
        if answer is not _UNKNOWN:
            return answer
        if not self.built:
            self.built.append(_original(self.descriptor))
        return self.built[0]._coerce_value(value, param=param, ctx=ctx)


def plain_value(annotation: Any, info: Any, value: Any) -> Any:
    """What typer's adapter returns for ``value``, or ``_UNKNOWN``."""
    if get_origin(annotation) is list:
        if not isinstance(value, list | tuple):
            return _UNKNOWN
        (item,) = get_args(annotation) or (Any,)
        items = [_leaf(item, info, v) for v in value]  # [] for an option not given
        return _UNKNOWN if any(i is _UNKNOWN for i in items) else items
    return _leaf(annotation, info, value)


def _leaf(annotation: Any, info: Any, value: Any) -> Any:
    if annotation is str:
        return value if type(value) is str else _UNKNOWN
    if annotation in (int, float):
        number = _number(annotation, value)
        if number is _UNKNOWN:
            return _UNKNOWN
        # out of bounds (clamped or refused, with typer's words): typer's adapter decides
        if (info.min is not None and number < info.min) or (
            info.max is not None and number > info.max
        ):
            return _UNKNOWN
        return number
    return _UNKNOWN


def _number(annotation: type, value: Any) -> Any:
    if type(value) is annotation:
        return value
    if annotation is float and type(value) is int:  # a default written as 5
        return float(value)
    if type(value) is str:
        if _INT.match(value):
            return annotation(value)
        if annotation is float and _FLOAT.match(value):
            return float(value)
    return _UNKNOWN
