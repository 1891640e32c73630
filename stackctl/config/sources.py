"""Pipelines declared by ``source: MODULE:FUNCTION``: a Python ``@pipeline`` function.

The function is compiled to a PipelineSpec when the project loads (validate, plan,
graph, run, the dashboard): its module is imported from the project root and the
pipeline body runs once with placeholders, so the DAG is known without running any
step. config/ may not import the runtime, so the project layer injects the compiler.
The YAML may add ``stack:`` and ``params:`` (which override the function's defaults).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from stackctl.config.declared import Declared
from stackctl.config.hooks import hooks_of
from stackctl.config.models import model_decl
from stackctl.config.resolve import resolve
from stackctl.config.schema import closest
from stackctl.errors import ConfigError, Location, StackctlError
from stackctl.model import PipelineSpec

if TYPE_CHECKING:
    from stackctl.config.hooks import hooks_of
from stackctl.config.declared import Collector

#: Compiles ``MODULE:FUNCTION`` (written at a location) to a PipelineSpec, or raises.
PipelineSource = Callable[[str, Location], PipelineSpec]


def build_source_pipeline(
    name: str,
    decl: Declared,
    stack_names: list[str],
    variables: dict[str, Any],
    out: Collector,
    compile_source: PipelineSource | None,
) -> PipelineSpec | None:
    """The PipelineSpec of a ``source:`` declaration, or None after reporting problems."""
    doc, path = decl.doc, decl.path
    ref = decl.field("source", str)
    if ref is None or decl.broken() or not isinstance(decl.value, dict):
        return None
    if "steps" in decl.value:
        out.add(
            doc,
            path,
            f"pipeline {name!r} has both `source:` and `steps:`",
            "keep one: `source:` for a Python @pipeline function, `steps:` for YAML steps",
        )
        return None
    ok = True
    params, problems = resolve(decl.field("params", dict) or {}, {"vars": variables})
    for sub, message, hint in problems:
        out.add_value(doc, (*path, "params", *sub), message, hint)
        ok = False
    stack = decl.field("stack", str)
    if stack is not None and stack not in stack_names:
        out.add_value(
            doc,
            (*path, "stack"),
            f"pipeline {name!r}: stack {stack!r} is not declared",
            closest(stack, stack_names) or f"declared stacks: {', '.join(stack_names)}",
        )
        ok = False
    if compile_source is None or not ok:
        return None
    where = doc.locate((*path, "source"))
    try:
        compiled = compile_source(ref, where)
    except ConfigError as exc:  # located in the Python source (e.g. artifact names)
        out.extend(exc.diagnostics)
        return None
    except StackctlError as exc:
        elsewhere = exc.location and str(exc.location) != str(where)
        message = f"pipeline {name!r}: {exc.message}" + (
            f" (at {exc.location})" if elsewhere else ""
        )
        out.add_value(doc, (*path, "source"), message, exc.hint)
        return None
    unknown = sorted(set(params) - set(compiled.params))
    if unknown:
        out.add_value(
            doc,
            (*path, "params", unknown[0]),
            f"pipeline {name!r}: {ref} has no parameter {unknown[0]!r}",
            closest(unknown[0], list(compiled.params))
            or f"its parameters: {', '.join(compiled.params) or 'none'}",
        )
        return None
    return replace(
        compiled,
        name=name,
        params={**compiled.params, **params},
        stack=stack or compiled.stack,
        location=doc.locate(path),
        source=ref,
        model=model_decl(decl) or compiled.model,
        on_failure=hooks_of(decl.value, "on_failure") or compiled.on_failure,
        on_success=hooks_of(decl.value, "on_success") or compiled.on_success,
    )
