"""Turn validated stack and pipeline documents into the model, checking references.

Checks that need more than one file live here: names declared twice (both locations
reported), stacks naming missing components, pipelines naming missing stacks. Pipelines
and their steps are built by ``config/steps.py``.

A declaration whose own body has schema errors is still registered by name, so that
references to it do not cascade into "not declared" errors and "did you mean" sees every
declared name; it is never built into the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stackctl.config.context import PipelineCheck
from stackctl.config.declared import Collector, Declared
from stackctl.config.hooks import check_alerter
from stackctl.config.operators import check_step_operators
from stackctl.config.refactors import Refactors
from stackctl.config.resolve import resolve
from stackctl.config.schema import closest, load_schema, validate
from stackctl.config.sources import PipelineSource, build_source_pipeline
from stackctl.config.steps import build_pipeline
from stackctl.config.yaml import Document, PathKey, read_document, to_plain
from stackctl.model import (
    COMPONENT_TYPES,
    DEFAULT_STACK,
    REQUIRED_COMPONENT_TYPES,
    ComponentSpec,
    Lifecycle,
    PipelineSpec,
    ProjectSpec,
    StackSpec,
    StateConfig,
)

FlavorSchemas = Mapping[tuple[str, str], Mapping[str, Any]]

#: The implicit components of the default stack (ZenML names them "default" too).
DEFAULT_COMPONENTS = (
    ComponentSpec("orchestrator", "default", "local", {}),
    ComponentSpec("artifact_store", "default", "local", {"path": ".stackctl/artifacts"}),
)
DEFAULT_STACK_SPEC = StackSpec(
    DEFAULT_STACK, {"orchestrator": "default", "artifact_store": "default"}
)
_TWICE_HINT = "names must be unique across files; rename or remove one"


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
        compile_source: PipelineSource | None = None,
    ) -> None:
        self.check_pipeline = check_pipeline
        self.compile_source = compile_source
        self.root = root
        self.schemas_dir = schemas_dir
        self.flavor_schemas = flavor_schemas
        self.vars = variables
        self.out = out
        self.components: dict[tuple[str, str], Declared] = {}
        self.stacks: dict[str, Declared] = {}
        self.pipelines: dict[str, Declared] = {}
        self.refactors = Refactors(out)  # `moved:` / `removed:` of every file
        self.imports: list[Any] = []  # (doc, index, ImportSpec) of `import:` blocks

    # -- reading -------------------------------------------------------------------------
    def add_file(self, path: Path) -> None:
        root = self.root.resolve()
        resolved = path.resolve()
        display = str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(path)
        doc = self.out.guard(read_document, path, display)
        if doc is not None:
            self.add_document(doc)

    def add_document(self, doc: Document) -> None:
        """Validate one parsed stack or pipeline file and register its declarations."""
        data = to_plain(doc.data)
        if not isinstance(data, dict):
            self.out.add(
                doc,
                (),
                "expected a mapping with `components:` and `stacks:`, or `pipelines:`",
                "see docs/yaml-reference.md for the file formats",
            )
            return
        is_pipeline = "pipelines" in data
        if is_pipeline and ({"components", "stacks"} & set(data)):
            self.out.add(
                doc,
                ("pipelines",),
                "a file declares either components/stacks or pipelines, not both",
                "move the pipelines to a file under pipelines/",
            )
            return
        schema = "pipeline-file.schema.json" if is_pipeline else "stack-file.schema.json"
        problems = list(validate(doc, data, load_schema(self.schemas_dir / schema)))
        self.out.extend(problems)
        bad = frozenset(p.pointer for p in problems)
        self.refactors.add(doc, data, bad)
        self.add_imports(doc, data, bad)
        for type_, named in _mapping(data.get("components")).items():
            if type_ not in COMPONENT_TYPES:
                continue  # reported by the schema as an unknown component type
            for name, body in _mapping(named).items():
                self._declare(
                    self.components,
                    (type_, name),
                    f"{type_} {name!r}",
                    doc,
                    ("components", type_, name),
                    body,
                    bad,
                )
        for name, body in _mapping(data.get("stacks")).items():
            self._declare(self.stacks, name, f"stack {name!r}", doc, ("stacks", name), body, bad)
        for name, body in _mapping(data.get("pipelines")).items():
            self._declare(
                self.pipelines, name, f"pipeline {name!r}", doc, ("pipelines", name), body, bad
            )

    def add_imports(self, doc: Document, data: Any, bad: frozenset[str]) -> None:
        from stackctl.config.imports import collect

        self.imports += collect(doc, data, bad)

    def _declare(
        self,
        table: dict[Any, Declared],
        key: Any,
        what: str,
        doc: Document,
        path: PathKey,
        body: Any,
        bad: frozenset[str],
    ) -> None:
        if key not in table:
            table[key] = Declared(doc, path, body, bad)
            return
        first = table[key]
        here, there = doc.locate(path), first.doc.locate(first.path)
        self.out.add(doc, path, f"{what} is also declared at {there}", _TWICE_HINT)
        self.out.add(first.doc, first.path, f"{what} is also declared at {here}", _TWICE_HINT)

    # -- building ------------------------------------------------------------------------
    def build(self, project: str, root: str, state: StateConfig, files: list[str]) -> ProjectSpec:
        components = {
            c.address: c for c in DEFAULT_COMPONENTS if (c.type, c.name) not in self.components
        }
        for (type_, name), decl in self.components.items():
            spec = self._component(type_, name, decl)
            if spec is not None:
                components[spec.address] = spec
        stacks = {} if DEFAULT_STACK in self.stacks else {DEFAULT_STACK: DEFAULT_STACK_SPEC}
        for name, decl in self.stacks.items():
            stack = self._stack(name, decl)
            if stack is not None:
                stacks[name] = stack
        pipelines: dict[str, PipelineSpec] = {}
        stack_names = sorted({*stacks, *self.stacks})
        for name, decl in self.pipelines.items():
            if isinstance(decl.value, dict) and "source" in decl.value:
                pipeline = build_source_pipeline(
                    name, decl, stack_names, dict(self.vars), self.out, self.compile_source
                )
            else:
                pipeline = build_pipeline(self, name, decl, stack_names)
            if pipeline is not None:
                pipelines[name] = pipeline
                if pipeline.stack in stacks:  # a hook needing an alerter its stack lacks
                    check_alerter(self.out, decl, pipeline, stacks[pipeline.stack])
        operators = [n for t, n in self.components if t == "step_operator"]
        check_step_operators(self.out, self.pipelines, pipelines, stacks, operators)
        declared = {
            *components,
            *(f"{t}.{n}" for t, n in self.components),
            *(f"stack.{n}" for n in {*stacks, *self.stacks}),
            *(f"pipeline.{n}" for n in self.pipelines),
        }
        moved, removed = self.refactors.check(declared)
        from stackctl.config.imports import check

        components_declared = {*components, *(f"{t}.{n}" for t, n in self.components)}
        return ProjectSpec(
            project,
            root,
            state,
            dict(self.vars),
            components,
            stacks,
            pipelines,
            tuple(files),
            moved,
            removed,
            imports=check(self.imports, components_declared, self.out),
        )

    def _component(self, type_: str, name: str, decl: Declared) -> ComponentSpec | None:
        doc, path = decl.doc, decl.path
        flavor = decl.field("flavor", str)
        if flavor is None:
            return None
        if (type_, flavor) not in self.flavor_schemas:
            known = sorted(f for t, f in self.flavor_schemas if t == type_)
            listing = (
                f"known {type_} flavors: {', '.join(known)}"
                if known
                else f"no flavor exists for {type_} (none built in, no plugin installed)"
            )
            suggestion = closest(flavor, known)
            self.out.add_value(
                doc,
                (*path, "flavor"),
                f"unknown {type_} flavor {flavor!r}",
                f"{suggestion} ({listing})"
                if suggestion
                else f"{listing}; see `stackctl flavor list`"
                + ("" if known else " and docs/plugins.md"),
            )
            return None
        if decl.broken():
            return None
        config, problems = resolve(decl.value.get("config") or {}, {"vars": self.vars})
        for sub, message, hint in problems:
            self.out.add_value(doc, (*path, "config", *sub), message, hint)
        if problems:
            return None
        schema_problems = list(
            validate(doc, config, self.flavor_schemas[(type_, flavor)], at=(*path, "config"))
        )
        self.out.extend(schema_problems)
        if schema_problems:
            return None
        config = _computed(config, self.flavor_schemas[(type_, flavor)], name)
        lifecycle = Lifecycle(**(decl.value.get("lifecycle") or {}))
        return ComponentSpec(type_, name, flavor, config, lifecycle, doc.locate(path))

    def _stack(self, name: str, decl: Declared) -> StackSpec | None:
        body, doc, path = decl.value, decl.doc, decl.path
        if not isinstance(body, dict):
            return None
        ok = not decl.broken()
        for required in REQUIRED_COMPONENT_TYPES:
            if required not in body:
                self.out.add(
                    doc,
                    path,
                    f"stack {name!r} has no {required}",
                    f"add `{required}: NAME`; every stack needs an orchestrator and an artifact store",
                )
                ok = False
        refs: dict[str, str] = {}
        for type_ in COMPONENT_TYPES:
            comp = decl.field(type_, str)
            if comp is None:
                ok = ok and type_ not in body
                continue
            refs[type_] = comp
            if (type_, comp) not in self.components and f"{type_}.{comp}" not in {
                c.address for c in DEFAULT_COMPONENTS
            }:
                names = self.component_names(type_)
                hint = closest(comp, names) or (
                    f"declared {type_}s: {', '.join(names)}"
                    if names
                    else f"declare it under `components: {type_}:`"
                )
                self.out.add_value(
                    doc, (*path, type_), f"stack {name!r}: {type_} {comp!r} is not declared", hint
                )
                ok = False
        if not ok:
            return None
        lifecycle = Lifecycle(**(body.get("lifecycle") or {}))
        return StackSpec(name, refs, lifecycle, doc.locate(path))

    def component_names(self, type_: str) -> list[str]:
        """Every declared name of a component type, valid or not, plus the defaults."""
        declared = {n for t, n in self.components if t == type_}
        return sorted(declared | {c.name for c in DEFAULT_COMPONENTS if c.type == type_})


def _computed(config: dict[str, Any], schema: Mapping[str, Any], name: str) -> dict[str, Any]:
    """Fill settings whose schema default depends on the component's name
    (``x-default-per-name``, e.g. a local store's ``.stackctl/artifacts/{name}``), so two
    stores never share a folder by accident. A component named `default` keeps the
    plain ``default`` (the default store's `.stackctl/artifacts`)."""
    filled = dict(config)
    for key, prop in (schema.get("properties") or {}).items():
        template = prop.get("x-default-per-name") if isinstance(prop, dict) else None
        if key in filled or not isinstance(template, str):
            continue
        filled[key] = (
            prop.get("default", template) if name == DEFAULT_STACK else (template.format(name=name))
        )
    return filled


def _mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, dict) else {}
