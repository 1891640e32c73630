"""Build pipelines and their steps from a pipeline file, checking every reference.

Each step is checked on its own (function reference, inputs, params), so one broken step
does not hide the problems of the others. Cycles are looked for among every dependency
that names a declared step, even when some steps are invalid, so a cycle shows up in the
same pass as the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from stackctl.config.context import BuildContext
from stackctl.config.declared import Declared
from stackctl.config.hooks import hooks_of
from stackctl.config.models import model_decl
from stackctl.config.nosecrets import refuse_secrets
from stackctl.config.resolve import resolve
from stackctl.config.schema import closest
from stackctl.model import ArtifactSelector, InputRef, NamedOutput, PipelineSpec, StepSpec

#: `package.module:function` (the function may be a dotted attribute path too).
FUNCTION_REF = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\Z")
DEFAULT_OUTPUTS = ("output",)
#: A `${` that is not a `${secret:NAME}` (resolve() escapes those itself).
_INTERPOLATION = re.compile(r"\$\{(?!secret:[A-Za-z_][A-Za-z0-9_.-]*\})")  # see SECRET_REF


def build_pipeline(
    b: BuildContext, name: str, decl: Declared, stack_names: list[str]
) -> PipelineSpec | None:
    """The PipelineSpec of one declaration, or None after reporting its problems."""
    body, doc, path = decl.value, decl.doc, decl.path
    if not isinstance(body, dict):
        return None
    ok = not decl.broken()
    params: Mapping[str, Any] = decl.field("params", dict) or {}
    params, problems = resolve(params, {"vars": b.vars})
    for sub, message, hint in problems:
        b.out.add_value(doc, (*path, "params", *sub), message, hint)
    ok = ok and not problems and refuse_secrets(b.out, doc, path, params)
    stack = decl.field("stack", str)
    if stack is not None and stack not in stack_names:
        b.out.add_value(
            doc,
            (*path, "stack"),
            f"pipeline {name!r}: stack {stack!r} is not declared",
            closest(stack, stack_names) or f"declared stacks: {', '.join(stack_names)}",
        )
        ok = False
    raw_steps = body.get("steps")
    if not isinstance(raw_steps, dict) or not raw_steps:
        return None
    outputs = {
        s: _outputs(Declared(doc, (*path, "steps", s), v, decl.bad)) for s, v in raw_steps.items()
    }
    steps: list[StepSpec] = []
    for step_name, step_body in raw_steps.items():
        step = _step(
            b, Declared(doc, (*path, "steps", step_name), step_body, decl.bad), outputs, params
        )
        if step is not None:
            steps.append(step)
    skeleton = tuple(StepSpec(s, "", _edges(v, outputs)) for s, v in raw_steps.items())
    b.out.extend(
        b.check_pipeline(PipelineSpec(name, skeleton, location=doc.locate((*path, "steps"))))
    )
    if not ok or len(steps) != len(raw_steps):
        return None
    return PipelineSpec(
        name,
        tuple(steps),
        params,
        stack,
        doc.locate(path),
        model=model_decl(decl),
        on_failure=hooks_of(body, "on_failure"),
        on_success=hooks_of(body, "on_success"),
    )


def _outputs(decl: Declared) -> tuple[str, ...] | None:
    """A step's declared output names; None when they are invalid (not checkable)."""
    if not isinstance(decl.value, dict) or "outputs" not in decl.value:
        return DEFAULT_OUTPUTS
    names = decl.field("outputs", (list, dict))
    if not names or not all(isinstance(n, str) for n in names):
        return None
    return tuple(names)


def _named(body: Mapping[str, Any]) -> dict[str, NamedOutput]:
    """``outputs: {OUTPUT: {name: ARTIFACT, tags: [...]}}``: the outputs published as
    named artifact versions (the schema checked names and tags already)."""
    outputs = body.get("outputs")
    if not isinstance(outputs, Mapping):
        return {}
    return {
        str(output): NamedOutput(str(spec["name"]), tuple(str(t) for t in spec.get("tags") or ()))
        for output, spec in outputs.items()
        if isinstance(spec, Mapping) and spec.get("name")
    }


def _artifact_input(ref: Mapping[str, Any]) -> ArtifactSelector:
    """``{artifact: NAME, version: V}`` (V: latest, a number or a tag; schema-checked)."""
    version = ref.get("version", "latest")
    return ArtifactSelector(
        str(ref["artifact"]), str(int(version) if str(version).isdigit() else version)
    )


def _edges(body: Any, outputs: Mapping[str, Any]) -> dict[str, InputRef]:
    """Inputs that name a declared step: enough to look for cycles."""
    refs = body.get("inputs") if isinstance(body, dict) else None
    edges: dict[str, InputRef] = {}
    for arg, ref in refs.items() if isinstance(refs, dict) else ():
        step, _, output = str(ref).partition(".")
        if step in outputs:
            edges[str(arg)] = InputRef(step, output)
    return edges


def _step(
    b: BuildContext,
    decl: Declared,
    outputs: Mapping[str, tuple[str, ...] | None],
    params: Mapping[str, Any],
) -> StepSpec | None:
    body, doc, path = decl.value, decl.doc, decl.path
    name = str(path[-1])
    if not isinstance(body, dict):
        return None
    ok = not decl.broken()
    function = decl.field("function", str)
    if function is not None and not FUNCTION_REF.match(function):
        b.out.add_value(
            doc,
            (*path, "function"),
            f"step {name!r}: {function!r} is not a module:function reference",
            "write it as package.module:function, e.g. pipelines.iris:train",
        )
        ok = False
    inputs: dict[str, InputRef] = {}
    external: dict[str, ArtifactSelector] = {}
    raw_inputs = body.get("inputs")
    for arg, ref in raw_inputs.items() if isinstance(raw_inputs, dict) else ():
        if isinstance(ref, Mapping) and not decl.broken("inputs", arg):
            external[str(arg)] = _artifact_input(ref)
        if not isinstance(ref, str) or decl.broken("inputs", arg):
            continue
        problem = _check_ref(name, str(arg), ref, outputs)
        if problem:
            b.out.add_value(doc, (*path, "inputs", arg), *problem)
            ok = False
        else:
            step, _, output = ref.partition(".")
            inputs[str(arg)] = InputRef(step, output)
    raw_params = decl.field("params", dict) or {}
    # `params` are already resolved: a literal `${` in them (written `\${`) must stay
    # literal when a step refers to the param, not be interpolated a second time.
    step_params, problems = resolve(raw_params, {"vars": b.vars, "params": _literal(params)})
    for sub, message, hint in problems:
        b.out.add_value(doc, (*path, "params", *sub), message, hint)
    if not problems:
        # `${params.NAME}` must stay a reference: `stackctl run -p NAME=...` overrides it at
        # run time (the runtime resolves it, keeping the value's type). Resolving against
        # escaped references checks them above yet leaves them literal here.
        literal = {key: f"\\${{params.{key}}}" for key in params}
        step_params, _ = resolve(raw_params, {"vars": b.vars, "params": literal})
    if not problems and not refuse_secrets(b.out, doc, path, step_params):
        return None
    if not ok or problems or function is None:
        return None
    return StepSpec(
        name=name,
        function=function,
        inputs=inputs,
        params=step_params,
        outputs=outputs[name] or DEFAULT_OUTPUTS,
        retries=body.get("retries", 0),
        cache=body.get("cache", True),
        cache_version=str(body.get("cache_version", "")),
        location=doc.locate(path),
        named=_named(body),
        artifact_inputs=external,
        on_failure=hooks_of(body, "on_failure"),
        on_success=hooks_of(body, "on_success"),
        step_operator=body.get("step_operator"),
        # the schema checked the values are numbers
        resources={str(k): float(v) for k, v in (body.get("resources") or {}).items()},
    )


def _check_ref(
    name: str, arg: str, ref: str, outputs: Mapping[str, tuple[str, ...] | None]
) -> tuple[str, str] | None:
    """(message, hint) when ``ref`` is not a valid <step>.<output>, else None."""
    step, dot, output = ref.partition(".")
    if not dot or not step or not output:
        return (
            f"step {name!r}: input {arg!r} is {ref!r}, not <step>.<output>",
            "name an upstream step and one of its outputs, e.g. load.output",
        )
    if step not in outputs:
        return (
            f"step {name!r}: input {arg!r} names unknown step {step!r}",
            closest(step, list(outputs)) or f"steps of this pipeline: {', '.join(outputs)}",
        )
    known = outputs[step]
    if known is not None and output not in known:
        return (
            f"step {name!r}: input {arg!r} names unknown output {output!r} of step {step!r}",
            closest(output, known)
            or f"step {step!r} has outputs: {', '.join(known)}; declare more with `outputs:`",
        )
    return None


def _literal(value: Any) -> Any:
    """``value`` with every ``${`` escaped, so OmegaConf reads it back as written."""
    if isinstance(value, str):
        return _INTERPOLATION.sub(r"\\${", value)
    if isinstance(value, Mapping):
        return {k: _literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v) for v in value]
    return value
