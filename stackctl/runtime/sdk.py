"""The Python SDK: ``@step`` and ``@pipeline``.

    @step
    def load() -> pd.DataFrame: ...

    @step(retries=2)
    def split(df: pd.DataFrame, test_size: float) -> tuple[
        Annotated[pd.DataFrame, "train"], Annotated[pd.DataFrame, "test"]]: ...

    @pipeline
    def training(test_size: float = 0.2) -> None:
        train, test = split(load(), test_size=test_size)

    training()                                   # runs on the active stack
    training.with_options(stack="parallel", params={"test_size": 0.3})()

Calling a pipeline goes through the launcher hook that the project layer installs with
``set_launcher`` (the runtime does not know how to find a project or its stacks).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field, replace
from typing import Any, Generic, ParamSpec, TypeVar, overload

from stackctl.errors import RunCancelled, StackctlError
from stackctl.frozen import frozen
from stackctl.model import ModelDecl, PipelineSpec, Run
from stackctl.runtime.compiler import (
    StepOptions,
    active_builder,
    call_site,
    compile_pipeline,
    function_ref,
    output_names,
    return_annotation,
)
from stackctl.runtime.naming import named_outputs
from stackctl.runtime.resources import checked_resources

P = ParamSpec("P")
R = TypeVar("R")
#: ``on_failure=`` / ``on_success=``: a function, "alerter", "module:function", or a list
Hooks = Callable[..., Any] | str | Sequence[Callable[..., Any] | str] | None


class Step(Generic[P, R]):
    """A function marked as a pipeline step. Called outside a pipeline body it is just
    the function; inside one it records the step and returns handles to its outputs."""

    __stackctl_step__ = True

    def __init__(self, func: Callable[P, R], options: StepOptions) -> None:
        functools.update_wrapper(self, func)
        self.func = func
        self.options = options

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        builder = active_builder()
        if builder is None:
            return self.func(*args, **kwargs)
        handles: Any = builder.add(self.options, self.func, args, kwargs, call_site())
        return handles  # type: ignore[no-any-return]  # stands for R while compiling


@overload
def step(func: Callable[P, R], /) -> Step[P, R]: ...
@overload
def step(
    *,
    name: str | None = None,
    retries: int = 0,
    cache: bool = True,
    cache_version: str = "",
    outputs: Sequence[str] | None = None,
    on_failure: Hooks = None,
    on_success: Hooks = None,
    step_operator: str | None = None,
    resources: Mapping[str, float] | None = None,
) -> Callable[[Callable[P, R]], Step[P, R]]: ...
def step(
    func: Callable[P, R] | None = None,
    /,
    *,
    name: str | None = None,
    retries: int = 0,
    cache: bool = True,
    cache_version: str = "",
    outputs: Sequence[str] | None = None,
    on_failure: Hooks = None,
    on_success: Hooks = None,
    step_operator: str | None = None,
    resources: Mapping[str, float] | None = None,
) -> Step[P, R] | Callable[[Callable[P, R]], Step[P, R]]:
    """Mark a function as a step: ``@step`` or ``@step(retries=2, outputs=["a", "b"])``.

    ``on_failure`` / ``on_success``: hooks run after its last attempt (docs/hooks.md).
    ``step_operator`` names the stack's step operator that runs it elsewhere;
    ``resources`` (``{"cpu": 2, "gpu": 1, "memory": 512}``, memory in MB) is what it
    needs where it runs (ray and dask honour it; docs/orchestrators.md).
    """
    failure_hooks, success_hooks = _hooks(on_failure, on_success)  # a bad hook fails here
    needs = checked_resources(resources or {})

    def decorate(f: Callable[P, R]) -> Step[P, R]:
        names = output_names(f, outputs)
        options = StepOptions(
            name=name or f.__name__,
            function=function_ref(f),
            outputs=names,
            retries=retries,
            cache=cache,
            cache_version=cache_version,
            named=named_outputs(return_annotation(f), names),
            on_failure=failure_hooks,
            on_success=success_hooks,
            step_operator=step_operator,
            resources=needs,
        )
        return Step(f, options)

    return decorate(func) if func is not None else decorate


def _hooks(on_failure: Hooks, on_success: Hooks) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The references of ``on_failure=`` / ``on_success=`` (StackctlError if unusable)."""
    if on_failure is None and on_success is None:
        return (), ()  # the common case does not import the hooks module
    from stackctl.runtime.hooks import hook_refs

    return hook_refs(on_failure, "on_failure"), hook_refs(on_success, "on_success")


@frozen
class RunOptions:
    """How to run a pipeline: set by ``with_options`` and call arguments."""

    stack: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    cache: bool = True


#: Runs a compiled pipeline on a stack: installed by the project layer.
Launcher = Callable[[PipelineSpec, RunOptions], Run]
_launcher: Launcher | None = None


def set_launcher(launcher: Launcher | None) -> None:
    """Install the function that runs ``pipeline()`` calls (the project layer does)."""
    global _launcher
    _launcher = launcher


class Pipeline:
    """A ``@pipeline`` function: compiles to a PipelineSpec; calling it runs it."""

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        stack: str | None = None,
        options: RunOptions | None = None,
        model: str | Mapping[str, Any] | ModelDecl | None = None,
        hooks: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    ) -> None:
        functools.update_wrapper(self, func)
        self.func = func
        self.name = name or func.__name__
        self.stack = stack
        self.model = model
        self.hooks = hooks  # (on_failure, on_success) references
        self.options = options or RunOptions()
        self._spec: PipelineSpec | None = None

    @property
    def spec(self) -> PipelineSpec:
        if self._spec is None:
            spec = compile_pipeline(self.name, self.func, self.stack)
            if self.model is not None:
                from stackctl.runtime.models import model_decl

                spec = replace(spec, model=model_decl(self.model))
            if self.hooks != ((), ()):
                spec = replace(spec, on_failure=self.hooks[0], on_success=self.hooks[1])
            self._spec = spec
        return self._spec

    def with_options(
        self,
        *,
        stack: str | None = None,
        params: Mapping[str, Any] | None = None,
        cache: bool | None = None,
    ) -> Pipeline:
        """A copy that runs with these options (params merge with earlier ones)."""
        options = replace(
            self.options,
            stack=stack if stack is not None else self.options.stack,
            params={**self.options.params, **(params or {})},
            cache=cache if cache is not None else self.options.cache,
        )
        copy = Pipeline(
            self.func,
            name=self.name,
            stack=self.stack,
            options=options,
            model=self.model,
            hooks=self.hooks,
        )
        copy._spec = self._spec
        return copy

    def __call__(self, **params: Any) -> Run:
        """Run on the active stack (or the one from ``with_options``)."""
        if _launcher is None:
            raise StackctlError(
                f"pipeline {self.name!r} cannot run: no launcher is installed",
                hint="`import stackctl` installs it; or call "
                "stackctl.runtime.run.run_pipeline(pipeline.spec, ...) yourself",
            )
        options = replace(self.options, params={**self.options.params, **params})
        try:
            return _launcher(self.spec, options)
        except RunCancelled as stop:
            # a plain KeyboardInterrupt: only that exact type makes the interpreter exit
            # as killed by SIGINT, as a script stopped by Ctrl-C should
            raise KeyboardInterrupt(str(stop)) from None


@overload
def pipeline(func: Callable[..., Any], /) -> Pipeline: ...
@overload
def pipeline(
    *,
    name: str | None = None,
    stack: str | None = None,
    model: str | Mapping[str, Any] | None = None,
    on_failure: Hooks = None,
    on_success: Hooks = None,
) -> Callable[[Callable[..., Any]], Pipeline]: ...
def pipeline(
    func: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    stack: str | None = None,
    model: str | Mapping[str, Any] | None = None,
    on_failure: Hooks = None,
    on_success: Hooks = None,
) -> Pipeline | Callable[[Callable[..., Any]], Pipeline]:
    """Mark a function as a pipeline: ``@pipeline`` or ``@pipeline(stack="dev")``;
    ``model="NAME"`` (or {"name", "description", "tags"}) makes each completed run a new
    version of that model (docs/models.md); ``on_failure`` / ``on_success``: hooks run
    once when the run ends (docs/hooks.md)."""
    hooks = _hooks(on_failure, on_success)
    if model is not None:  # a bad declaration fails at the decorator, not at the run
        from stackctl.runtime.models import model_decl

        model_decl(model)

    def decorate(f: Callable[..., Any]) -> Pipeline:
        return Pipeline(f, name=name, stack=stack, model=model, hooks=hooks)

    return decorate(func) if func is not None else decorate
