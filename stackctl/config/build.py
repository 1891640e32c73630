"""Turn validated stack and pipeline documents into the model, checking references.

Checks that need more than one file live here: names declared twice (both locations
reported), stacks naming missing components, step inputs naming missing steps/outputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackctl.config.resolve import resolve
from stackctl.config.schema import closest, load_schema, validate
from stackctl.config.yaml import Document, PathKey, pointer, read_document, to_plain
from stackctl.errors import ConfigError, Diagnostic
from stackctl.model import (
    COMPONENT_TYPES,
    DEFAULT_STACK,
    REQUIRED_COMPONENT_TYPES,
    ComponentSpec,
    InputRef,
    Lifecycle,
    PipelineSpec,
    ProjectSpec,
    StackSpec,
    StateConfig,
    StepSpec,
)

FlavorSchemas = Mapping[tuple[str, str], Mapping[str, Any]]
#: Checks a (possibly partial) pipeline, e.g. for cycles; injected by the project layer
#: because config/ may not import graph.py.
PipelineCheck = Callable[[PipelineSpec], list[Diagnostic]]
FUNCTION_REF = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")

#: The implicit components of the default stack (ZenML names them "default" too).
DEFAULT_COMPONENTS = (
    ComponentSpec("orchestrator", "default", "local", {}),
    ComponentSpec("artifact_store", "default", "local", {"path": ".stackctl/artifacts"}),
)
DEFAULT_STACK_SPEC = StackSpec(
    DEFAULT_STACK, {"orchestrator": "default", "artifact_store": "default"}
)


@dataclass
class Collector:
    """Accumulates diagnostics across files."""

    problems: list[Diagnostic] = field(default_factory=list)

    def add(self, doc: Document, path: PathKey, message: str, hint: str = "") -> None:
        self.problems.append(doc.error(path, message, hint))

    def extend(self, diagnostics: Any) -> None:
        self.problems.extend(diagnostics)

    def guard(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            self.problems.extend(exc.diagnostics)
            return None


@dataclass
class _Declared:
    doc: Document
    path: PathKey
    value: Any
    bad: frozenset[str] = frozenset()  # JSON pointers (inside this file) with schema errors

    def broken(self, *sub: str | int) -> bool:
        """Whether the schema check failed at or below this declaration (or ``sub``)."""
        prefix = pointer((*self.path, *sub))
        return any(p == prefix or p.startswith(prefix + "/") for p in self.bad)


class Builder:
    """Collects declarations from many files, then builds one ProjectSpec."""

    def __init__(
        self,
        root: Path,
        schemas_dir: Path,
        flavor_schemas: FlavorSchemas,
        variables: Mapping[str, Any],
        out: Collector,
        check_pipeline: PipelineCheck,
    ) -> None:
        self.check_pipeline = check_pipeline
        self.root = root
        self.schemas_dir = schemas_dir
        self.flavor_schemas = flavor_schemas
        self.vars = variables
        self.out = out
        self.components: dict[tuple[str, str], _Declared] = {}
        self.stacks: dict[str, _Declared] = {}
        self.pipelines: dict[str, _Declared] = {}
        self._bad: frozenset[str] = frozenset()

    # -- reading -------------------------------------------------------------------------
    def add_file(self, path: Path) -> None:
        display = (
            str(path.resolve().relative_to(self.root.resolve()))
            if path.resolve().is_relative_to(self.root.resolve())
            else str(path)
        )
        doc = self.out.guard(read_document, path, display)
        if doc is None:
            return
        data = to_plain(doc.data)
        if not isinstance(data, dict):
            self.out.add(doc, (), "expected a mapping with `components:`/`stacks:` or `pipelines:`")
            return
        is_pipeline = "pipelines" in data
        if is_pipeline and ({"components", "stacks"} & set(data)):
            self.out.add(
                doc,
                (),
                "a file declares either components/stacks or pipelines, not both",
                "move the pipelines to pipelines/*.yaml",
            )
            return
        schema = "pipeline-file.schema.json" if is_pipeline else "stack-file.schema.json"
        problems = list(validate(doc, data, load_schema(self.schemas_dir / schema)))
        self.out.extend(problems)
        # Declarations with schema errors are still registered by name, so references to
        # them do not cascade into "not declared" errors; they are never built.
        self._bad = frozenset(p.pointer for p in problems)
        for type_, named in _mapping(data.get("components")).items():
            for name, body in _mapping(named).items():
                self._declare(
                    self.components,
                    (type_, name),
                    f"{type_} {name!r}",
                    doc,
                    ("components", type_, name),
                    body,
                )
        for name, body in _mapping(data.get("stacks")).items():
            self._declare(self.stacks, name, f"stack {name!r}", doc, ("stacks", name), body)
        for name, body in _mapping(data.get("pipelines")).items():
            self._declare(
                self.pipelines, name, f"pipeline {name!r}", doc, ("pipelines", name), body
            )

    def _declare(
        self,
        table: dict[Any, _Declared],
        key: Any,
        what: str,
        doc: Document,
        path: PathKey,
        body: Any,
    ) -> None:
        if key in table:
            first = table[key]
            self.out.add(
                doc,
                path,
                f"{what} is declared twice (also at {first.doc.locate(first.path)})",
                "names must be unique across files; rename or remove one",
            )
            self.out.add(
                first.doc,
                first.path,
                f"{what} is declared twice (also at {doc.locate(path)})",
                "names must be unique across files; rename or remove one",
            )
            return
        table[key] = _Declared(doc, path, body, self._bad)

    # -- building ------------------------------------------------------------------------
    def build(self, project: str, root: str, state: StateConfig, files: list[str]) -> ProjectSpec:
        components = {
            c.address: c for c in DEFAULT_COMPONENTS if (c.type, c.name) not in self.components
        }
        for (type_, name), decl in self.components.items():
            if decl.broken() or not isinstance(decl.value, dict):
                continue
            spec = self._component(type_, name, decl)
            if spec is not None:
                components[spec.address] = spec
        stacks = {} if DEFAULT_STACK in self.stacks else {DEFAULT_STACK: DEFAULT_STACK_SPEC}
        for name, decl in self.stacks.items():
            if decl.broken() or not isinstance(decl.value, dict):
                continue
            stack = self._stack(name, decl, components)
            if stack is not None:
                stacks[name] = stack
        pipelines: dict[str, PipelineSpec] = {}
        for name, decl in self.pipelines.items():
            if decl.broken("params") or decl.broken("stack") or not isinstance(decl.value, dict):
                continue
            if not isinstance(decl.value.get("steps"), dict) or (
                decl.broken("steps")
                and not [s for s in decl.value["steps"] if not decl.broken("steps", s)]
            ):
                continue
            pipeline = self._pipeline(name, decl, stacks)
            if pipeline is not None:
                pipelines[name] = pipeline
        return ProjectSpec(
            project, root, state, dict(self.vars), components, stacks, pipelines, tuple(files)
        )

    def _component(self, type_: str, name: str, decl: _Declared) -> ComponentSpec | None:
        body, doc, path = decl.value, decl.doc, decl.path
        flavor = body["flavor"]
        known = sorted(f for t, f in self.flavor_schemas if t == type_)
        if (type_, flavor) not in self.flavor_schemas:
            hint = closest(flavor, known)
            hint = (
                f"{hint + ' ' if hint else ''}known {type_} flavors: {', '.join(known) or 'none'}"
            )
            self.out.add(doc, (*path, "flavor"), f"unknown {type_} flavor {flavor!r}", hint)
            return None
        config, problems = resolve(body.get("config") or {}, {"vars": self.vars})
        for sub, message, hint in problems:
            self.out.add(doc, (*path, "config", *sub), message, hint)
        if problems:
            return None
        schema_problems = list(
            validate(doc, config, self.flavor_schemas[(type_, flavor)], at=(*path, "config"))
        )
        self.out.extend(schema_problems)
        if schema_problems:
            return None
        lifecycle = Lifecycle(**(body.get("lifecycle") or {}))
        return ComponentSpec(type_, name, flavor, config, lifecycle, doc.locate(path))

    def _stack(
        self, name: str, decl: _Declared, components: Mapping[str, ComponentSpec]
    ) -> StackSpec | None:
        body, doc, path = decl.value, decl.doc, decl.path
        ok = True
        for required in REQUIRED_COMPONENT_TYPES:
            if required not in body:
                self.out.add(
                    doc,
                    path,
                    f"stack {name!r} has no {required}",
                    f"add `{required}: NAME` (a stack needs an orchestrator and an artifact store)",
                )
                ok = False
        refs = {t: n for t, n in body.items() if t in COMPONENT_TYPES}
        for type_, comp in refs.items():
            if f"{type_}.{comp}" not in components and (type_, comp) not in self.components:
                names = sorted(c.name for c in components.values() if c.type == type_)
                hint = closest(comp, names) or (
                    f"declared {type_}s: {', '.join(names)}"
                    if names
                    else f"declare it under components.{type_}"
                )
                self.out.add(
                    doc, (*path, type_), f"stack {name!r}: {type_} {comp!r} is not declared", hint
                )
                ok = False
        if not ok:
            return None
        lifecycle = Lifecycle(**(body.get("lifecycle") or {}))
        return StackSpec(name, refs, lifecycle, doc.locate(path))

    def _pipeline(
        self, name: str, decl: _Declared, stacks: Mapping[str, StackSpec]
    ) -> PipelineSpec | None:
        body, doc, path = decl.value, decl.doc, decl.path
        params, problems = resolve(body.get("params") or {}, {"vars": self.vars})
        for sub, message, hint in problems:
            self.out.add(doc, (*path, "params", *sub), message, hint)
        stack = body.get("stack")
        if stack is not None and stack not in stacks and stack not in self.stacks:
            self.out.add(
                doc,
                (*path, "stack"),
                f"pipeline {name!r}: stack {stack!r} is not declared",
                closest(stack, list(stacks)) or "see `stackctl stack list`",
            )
        raw_steps: Mapping[str, Any] = body["steps"]
        outputs = {
            s: tuple(b.get("outputs") or ("output",)) if isinstance(b, dict) else ("output",)
            for s, b in raw_steps.items()
        }
        steps = []
        for step_name, step_body in raw_steps.items():
            if decl.broken("steps", step_name):
                continue
            step = self._step(
                step_name, step_body, doc, (*path, "steps", step_name), outputs, params
            )
            if step is not None:
                steps.append(step)
        spec = PipelineSpec(name, tuple(steps), params, stack, doc.locate(path))
        # Cycles are checked on whatever steps are valid, so they show up with the rest.
        self.out.extend(self.check_pipeline(spec))
        if problems or len(steps) != len(raw_steps):
            return None
        return spec

    def _step(
        self,
        name: str,
        body: Mapping[str, Any],
        doc: Document,
        path: PathKey,
        outputs: Mapping[str, tuple[str, ...]],
        params: Mapping[str, Any],
    ) -> StepSpec | None:
        ok = True
        function = body["function"]
        if not FUNCTION_REF.match(function):
            self.out.add(
                doc,
                (*path, "function"),
                f"step {name!r}: {function!r} is not a module:function reference",
                "write it as package.module:function, e.g. pipelines.iris:train",
            )
            ok = False
        inputs: dict[str, InputRef] = {}
        for arg, ref in (body.get("inputs") or {}).items():
            step, dot, output = str(ref).partition(".")
            where = (*path, "inputs", arg)
            if not dot or not step or not output:
                self.out.add(
                    doc,
                    where,
                    f"step {name!r}: input {arg!r} is {ref!r}, not <step>.<output>",
                    "e.g. load.output",
                )
                ok = False
            elif step not in outputs:
                self.out.add(
                    doc,
                    where,
                    f"step {name!r}: input {arg!r} names unknown step {step!r}",
                    closest(step, list(outputs)) or f"steps: {', '.join(outputs)}",
                )
                ok = False
            elif output not in outputs[step]:
                self.out.add(
                    doc,
                    where,
                    f"step {name!r}: input {arg!r} names unknown output {output!r} of step {step!r}",
                    closest(output, outputs[step])
                    or f"{step} outputs: {', '.join(outputs[step])} (declare more with `outputs:`)",
                )
                ok = False
            else:
                inputs[arg] = InputRef(step, output)
        step_params, problems = resolve(
            body.get("params") or {}, {"vars": self.vars, "params": params}
        )
        for sub, message, hint in problems:
            self.out.add(doc, (*path, "params", *sub), message, hint)
            ok = False
        if not ok:
            return None
        cache_version = body.get("cache_version", "")
        return StepSpec(
            name=name,
            function=function,
            inputs=inputs,
            params=step_params,
            outputs=outputs[name],
            retries=body.get("retries", 0),
            cache=body.get("cache", True),
            cache_version=str(cache_version),
            location=doc.locate(path),
        )


def _mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, dict) else {}
