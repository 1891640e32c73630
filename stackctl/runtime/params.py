"""Run parameters: declared defaults, overrides, and ``${params.NAME}`` in step params."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from stackctl.errors import StackctlError
from stackctl.model import PipelineSpec, StepSpec
from stackctl.runtime.imports import StepError

PARAM_REF = re.compile(r"\$\{params\.([A-Za-z_][A-Za-z0-9_]*)\}")


def run_params(spec: PipelineSpec, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The pipeline's declared params with overrides applied; unknown names are errors."""
    unknown = sorted(set(overrides) - set(spec.params))
    if unknown:
        declared = ", ".join(sorted(spec.params)) or "none"
        raise StackctlError(
            f"pipeline {spec.name!r} has no parameter {', '.join(map(repr, unknown))}",
            location=spec.location,
            hint=f"declared parameters: {declared}; declare it under `params:` or drop `-p`",
        )
    for name, value in overrides.items():
        _check_type(spec, name, spec.params[name], value)
    return {**spec.params, **overrides}


#: The type a declared default gives its parameter, for the kinds `-p` can write (lists
#: and mappings cannot be written with `-p`, so they are left to the step's own check).
#: Only a value of another of these kinds is refused: None (`-p x=null`) and the objects
#: an SDK call may pass (a Path for a string default...) are the step's to judge.
_KINDS: tuple[tuple[type, tuple[type, ...], str], ...] = (
    (bool, (bool,), "true or false"),
    (int, (int,), "an integer"),
    (float, (int, float), "a number"),
    (str, (str,), "a string"),
)
_SCALARS = frozenset(kind for kind, _, _ in _KINDS)


def _check_type(spec: PipelineSpec, name: str, default: Any, value: Any) -> None:
    if type(value) not in _SCALARS:
        return
    for kind, accepted, words in _KINDS:
        if type(default) is kind:
            if type(value) in accepted:
                return
            raise StackctlError(
                f"pipeline {spec.name!r}: parameter {name!r} takes {words} "
                f"(its default is {default!r}), not {value!r}",
                location=spec.location,
                hint=_hint(name, words, default, value),
            )


def _hint(name: str, words: str, default: Any, value: Any) -> str:
    kind = type(default)
    if isinstance(default, str):  # `-p name=1` reads as the number 1: quote it
        return f"quote it to pass the text: -p '{name}=\"{value}\"'"
    example = str(default).lower() if isinstance(default, bool) else str(default)
    widen = (
        " (or declare the default as a float to take any number)"
        if kind is int and type(value) is float
        else ""
    )
    return f"pass {words}, e.g. -p {name}={example}{widen}"


def step_params(step: StepSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    """The step's params with every ``${params.NAME}`` replaced (StepError if undeclared)."""
    return {name: _resolve(value, params) for name, value in step.params.items()}


def _resolve(value: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        whole = PARAM_REF.fullmatch(value)
        if whole:  # keep the parameter's type, not its text
            return _lookup(whole.group(1), params)
        return PARAM_REF.sub(lambda m: str(_lookup(m.group(1), params)), value)
    if isinstance(value, Mapping):
        return {k: _resolve(v, params) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(v, params) for v in value]
    return value


def _lookup(name: str, params: Mapping[str, Any]) -> Any:
    if name not in params:
        declared = ", ".join(sorted(params)) or "none"
        raise StepError(
            f"parameter {name!r} is not declared by the pipeline (declared: {declared})"
        )
    return params[name]
