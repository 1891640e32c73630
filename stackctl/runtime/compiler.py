"""Compiling ``@pipeline`` functions to the same PipelineSpec a YAML pipeline gives.

The pipeline body runs once with placeholders: calling a step records a StepSpec and
returns handles to its outputs, pipeline arguments become ``${params.NAME}`` references,
and any other argument value becomes a step param.
"""

from __future__ import annotations

import functools
import inspect
import sys
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import field
from typing import Any

from stackctl.errors import Location, StackctlError
from stackctl.frozen import frozen
from stackctl.model import (
    ArtifactSelector,
    InputRef,
    NamedOutput,
    PipelineSpec,
    StepSpec,
    artifact_fields,
    hook_fields,
    placement_fields,
)
from stackctl.runtime.naming import ArtifactConfig, ExternalArtifact

DEFAULT_OUTPUT = "output"


@frozen
class OutputHandle:
    """Stands for one step output while a pipeline body is compiled."""

    step: str
    output: str


class Outputs(tuple[OutputHandle, ...]):
    """The handles of a multi-output step: unpack them, or use ``.<output name>``."""

    def __getattr__(self, name: str) -> OutputHandle:
        for handle in self:
            if handle.output == name:
                return handle
        raise AttributeError(name)


@frozen
class ParamRef:
    """Stands for a pipeline parameter while a pipeline body is compiled."""

    name: str

    def __str__(self) -> str:
        return f"${{params.{self.name}}}"


@frozen
class StepOptions:
    """What ``@step(...)`` declared about a function."""

    name: str
    function: str  # module:qualname
    outputs: tuple[str, ...]
    retries: int = 0
    cache: bool = True
    cache_version: str = ""
    named: Mapping[str, NamedOutput] = field(default_factory=dict)
    on_failure: tuple[str, ...] = ()
    on_success: tuple[str, ...] = ()
    step_operator: str | None = None
    resources: Mapping[str, float] = field(default_factory=dict)


@functools.lru_cache(maxsize=4096)
def signature_of(function: Callable[..., Any]) -> inspect.Signature:
    """``inspect.signature``, once per function (a 500-step chain asks 1000 times)."""
    return inspect.signature(function)


def function_ref(function: Callable[..., Any]) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def output_names(function: Callable[..., Any], declared: Sequence[str] | None) -> tuple[str, ...]:
    """Output names from ``outputs=``, or the return annotation: a NamedTuple's fields,
    ``Annotated[T, "name"]``, or a tuple of those."""
    if declared:
        return tuple(declared)
    annotation = return_annotation(function)
    fields = getattr(annotation, "_fields", None)
    if isinstance(annotation, type) and issubclass(annotation, tuple) and fields:
        return tuple(fields)
    if typing.get_origin(annotation) is tuple:
        names = [_annotated_name(arg) for arg in typing.get_args(annotation)]
        if names and Ellipsis not in typing.get_args(annotation) and all(names):
            return tuple(str(n) for n in names)
    return (_annotated_name(annotation) or DEFAULT_OUTPUT,)


def return_annotation(function: Callable[..., Any]) -> Any:
    """The evaluated return annotation, extras kept (None when it cannot be evaluated)."""
    try:
        return typing.get_type_hints(function, include_extras=True).get("return")
    except Exception:
        # Other annotations may name types imported only under TYPE_CHECKING (pandas,
        # sklearn); the return annotation alone often still evaluates (a NamedTuple).
        return _return_annotation(function)


def _return_annotation(function: Callable[..., Any]) -> Any:
    raw = inspect.signature(function).return_annotation
    if not isinstance(raw, str):
        return raw
    try:
        return eval(raw, getattr(function, "__globals__", {}))  # the module's own names only
    except Exception:
        return None


def _annotated_name(annotation: Any) -> str | None:
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in typing.get_args(annotation)[1:]:
            if isinstance(extra, str):
                return extra
            if isinstance(extra, ArtifactConfig):
                return extra.name
    return None


class _Builder:
    def __init__(self, pipeline: str) -> None:
        self.pipeline = pipeline
        self.steps: list[StepSpec] = []
        self.taken: set[str] = set()
        self.calls: dict[str, int] = {}  # name -> last suffix tried (linear, not quadratic)

    def add(
        self,
        options: StepOptions,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
        location: Location | None,
    ) -> OutputHandle | Outputs:
        try:
            bound = signature_of(function).bind_partial(*args, **kwargs)
        except TypeError as exc:
            raise StackctlError(
                f"pipeline {self.pipeline!r}: step {options.name!r} called wrongly: {exc}",
                location=location,
                hint="pass each input or param once, by the function's argument names",
            ) from None
        inputs: dict[str, InputRef] = {}
        params: dict[str, Any] = {}
        external: dict[str, ArtifactSelector] = {}
        for name, value in bound.arguments.items():
            if isinstance(value, ExternalArtifact):
                external[name] = value.selector
                continue
            if isinstance(value, Outputs):
                raise StackctlError(
                    f"pipeline {self.pipeline!r}: argument {name!r} of step "
                    f"{options.name!r} got all outputs of a multi-output step",
                    location=location,
                    hint=f"pass one of them, e.g. `.{value[0].output}`, or unpack them",
                )
            if isinstance(value, OutputHandle):
                inputs[name] = InputRef(value.step, value.output)
            else:
                params[name] = str(value) if isinstance(value, ParamRef) else value
        step = StepSpec(
            name=self._unique(options.name),
            function=options.function,
            inputs=inputs,
            params=params,
            outputs=options.outputs,
            retries=options.retries,
            cache=options.cache,
            cache_version=options.cache_version,
            location=location,
            named=options.named,
            artifact_inputs=external,
            on_failure=options.on_failure,
            on_success=options.on_success,
            step_operator=options.step_operator,
            resources=options.resources,
        )
        self.steps.append(step)
        handles = [OutputHandle(step.name, output) for output in step.outputs]
        return handles[0] if len(handles) == 1 else Outputs(handles)

    def _unique(self, name: str) -> str:
        n = self.calls.get(name, 1)
        candidate = name if n == 1 else f"{name}_{n}"
        while candidate in self.taken:  # a step called twice: load, load_2, ...
            n += 1
            candidate = f"{name}_{n}"
        self.calls[name] = n
        self.taken.add(candidate)
        return candidate


_builder: ContextVar[_Builder | None] = ContextVar("stackctl_pipeline_builder", default=None)


def active_builder() -> _Builder | None:
    """The pipeline being compiled, if a step is called inside a pipeline body."""
    return _builder.get()


def call_site(depth: int = 2) -> Location | None:
    frame = sys._getframe(depth)
    return Location(frame.f_code.co_filename, frame.f_lineno, 1) if frame else None


@contextmanager
def _building(builder: _Builder) -> Iterator[_Builder]:
    token = _builder.set(builder)
    try:
        yield builder
    finally:
        _builder.reset(token)


def compile_pipeline(
    name: str, function: Callable[..., Any], stack: str | None = None
) -> PipelineSpec:
    """Run the pipeline body with placeholders and return its PipelineSpec."""
    signature = inspect.signature(function)
    params = {
        arg: None if p.default is p.empty else p.default for arg, p in signature.parameters.items()
    }
    with _building(_Builder(name)) as builder:
        function(**{arg: ParamRef(arg) for arg in params})
    code = function.__code__
    location = Location(code.co_filename, code.co_firstlineno, 1)
    if not builder.steps:
        raise StackctlError(
            f"pipeline {name!r} calls no steps",
            location=location,
            hint="call @step functions inside the @pipeline function body",
        )
    return PipelineSpec(name, tuple(builder.steps), params, stack, location)


def pipeline_version(spec: PipelineSpec) -> str:
    """Digest of everything that defines a pipeline (locations excluded)."""
    steps = [
        {
            "name": s.name,
            "function": s.function,
            "inputs": {k: str(v) for k, v in s.inputs.items()},
            "params": s.params,
            "outputs": list(s.outputs),
            "retries": s.retries,
            "cache": s.cache,
            "cache_version": s.cache_version,
            **artifact_fields(s),
            **placement_fields(s),
        }
        for s in spec.steps
    ]
    body = {"name": spec.name, "params": spec.params, "stack": spec.stack, "steps": steps}
    body.update(hook_fields(spec))
    # Imported here: the SDK (`from stackctl import pipeline`) must not pay for cache.py.
    from stackctl.runtime.cache import canonical, sha256

    return sha256(canonical(body))
