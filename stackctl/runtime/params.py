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
    return {**spec.params, **overrides}


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
