"""Checks that a step's inputs and params fit its function's signature and annotations."""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from stackctl.model import StepSpec
from stackctl.runtime.compiler import signature_of
from stackctl.runtime.imports import StepError


def check_arguments(
    function: Callable[..., Any], step: StepSpec, params: Mapping[str, Any]
) -> None:
    """Every input and param names an argument, and every required argument is given."""
    signature = signature_of(function)
    arguments = signature.parameters
    open_kwargs = any(p.kind is p.VAR_KEYWORD for p in arguments.values())
    given = [*step.inputs, *step.artifact_inputs, *params]
    for name in given:
        if name not in arguments and not open_kwargs:
            kind = "parameter" if name in params else "input"
            raise StepError(
                f"{kind} {name!r} is not an argument of {step.function} "
                f"(arguments: {', '.join(arguments) or 'none'})"
            )
    for name, param in arguments.items():
        required = param.default is param.empty and param.kind not in (
            param.VAR_POSITIONAL,
            param.VAR_KEYWORD,
        )
        if required and name not in given:
            raise StepError(f"argument {name!r} of {step.function} has no input, param or default")


def check_types(function: Callable[..., Any], values: Mapping[str, Any]) -> None:
    """Each value is an instance of its argument's annotation, where that can be checked."""
    hints = _hints(function)
    for name, value in values.items():
        annotation = hints.get(name)
        if annotation is not None and not _accepts(value, annotation):
            raise StepError(
                f"input {name!r} is a {type(value).__name__}, but the function expects "
                f"{_describe(annotation)}"
            )


@functools.lru_cache(maxsize=4096)
def _hints(function: Callable[..., Any]) -> Mapping[str, Any]:
    """The function's resolved annotations, once per function (steps run many times)."""
    try:
        return typing.get_type_hints(function)
    except Exception:  # unresolvable forward references: nothing to check against
        return {}


def _accepts(value: Any, annotation: Any) -> bool:
    if annotation is Any:
        return True
    if annotation is None or annotation is type(None):
        return value is None
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _accepts(value, typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return any(_accepts(value, arg) for arg in typing.get_args(annotation))
    kind = origin if origin is not None else annotation
    if not isinstance(kind, type):
        return True  # TypeVar, Literal, NewType...: not checked
    if kind is float and type(value) is int:  # PEP 484 numeric tower
        return True
    try:
        return isinstance(value, kind)
    except TypeError:  # e.g. a Protocol that is not runtime_checkable
        return True


def _describe(annotation: Any) -> str:
    return annotation.__name__ if isinstance(annotation, type) else str(annotation)
