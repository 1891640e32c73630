"""Load a whole project: stackctl.yaml, its includes, schema checks, references -> model.

Every problem in every file is collected and raised once as a ConfigError, so
`stackctl validate` shows them all in one pass.
"""

from __future__ import annotations

import glob
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from stackctl.config.build import Builder, Collector, FlavorSchemas, PipelineCheck
from stackctl.config.resolve import resolve
from stackctl.config.schema import closest, load_schema, validate
from stackctl.config.yaml import Document, read_document, to_plain
from stackctl.errors import ConfigError, Diagnostic, Location
from stackctl.model import ProjectSpec, StateConfig

PROJECT_FILE = "stackctl.yaml"
DEFAULT_INCLUDE = ("stacks/*.yaml", "pipelines/*.yaml")


def _schema(name: str, schemas_dir: Path) -> Mapping[str, Any]:
    return load_schema(schemas_dir / name)


def load_document(
    path: Path, root: Path, *, schema: str, schemas_dir: Path
) -> tuple[Document, Any, list[Diagnostic]]:
    """Read a file and check it against one schema; returns (doc, plain data, problems)."""
    display = _display(path, root)
    doc = read_document(path, display)
    data = to_plain(doc.data)
    return doc, data, list(validate(doc, data, _schema(schema, schemas_dir)))


# Bind each schema to a named loader once (pre-commit's clientlib does the same).
load_project_file = partial(load_document, schema="project.schema.json")
load_stack_file = partial(load_document, schema="stack-file.schema.json")
load_pipeline_file = partial(load_document, schema="pipeline-file.schema.json")


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def parse_var(text: str) -> tuple[str, Any]:
    """`name=value` from --var; the value is read as a YAML scalar (3 -> int, true -> bool)."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise ConfigError(
            [
                Diagnostic(
                    Location("--var"), f"{text!r} is not NAME=VALUE", "", "write --var name=value"
                )
            ]
        )
    from ruamel.yaml import YAML

    try:
        value = YAML(typ="safe").load(raw) if raw.strip() else raw
    except Exception:
        value = raw
    if isinstance(value, dict | list):
        value = raw
    return name.strip(), value


def load_project(
    root: Path,
    *,
    schemas_dir: Path,
    flavor_schemas: FlavorSchemas,
    var_overrides: Mapping[str, Any] | None = None,
    var_files: tuple[Path, ...] = (),
    check_pipeline: PipelineCheck = lambda _spec: [],
) -> ProjectSpec:
    """Load and validate everything under ``root``; raise ConfigError with all problems."""
    out = Collector()
    loaded = out.guard(load_project_file, root / PROJECT_FILE, root, schemas_dir=schemas_dir)
    if loaded is None:
        raise ConfigError(out.problems)
    pdoc, pdata, problems = loaded
    out.extend(problems)
    if problems:
        raise ConfigError(out.problems)
    variables = dict(pdata.get("vars") or {})
    for var_file in var_files:
        vloaded = out.guard(_load_var_file, var_file, root)
        if vloaded:
            variables.update(vloaded)
    for name, value in (var_overrides or {}).items():
        if name not in variables:
            hint = closest(name, variables) or f"declare it under `vars:` in {PROJECT_FILE}"
            out.problems.append(
                Diagnostic(Location("--var"), f"unknown variable {name!r}", "", hint)
            )
        variables[name] = value
    state = _state_config(pdoc, pdata, variables, out)
    builder = Builder(root, schemas_dir, flavor_schemas, variables, out, check_pipeline)
    files: list[str] = [pdoc.display]
    for index, pattern in enumerate(pdata.get("include", list(DEFAULT_INCLUDE))):
        matches = sorted(glob.glob(str(root / pattern), recursive=True))
        if not matches and any(c in pattern for c in "*?[") is False:
            out.add(
                pdoc,
                ("include", index),
                f"include: {pattern!r} matches no file",
                "fix the path or remove it",
            )
        for match in matches:
            path = Path(match)
            if path.is_file() and _display(path, root) not in files:
                files.append(_display(path, root))
                builder.add_file(path)
    spec = builder.build(pdata["project"], str(root), state, files)
    if out.problems:
        raise ConfigError(out.problems)
    return spec


def _load_var_file(path: Path, root: Path) -> dict[str, Any]:
    doc = read_document(path, _display(path, root))
    data = to_plain(doc.data)
    if not isinstance(data, dict):
        raise ConfigError([doc.error((), "a var file must be a mapping of NAME: VALUE")])
    return data


def _state_config(
    doc: Document, data: Mapping[str, Any], variables: Mapping[str, Any], out: Collector
) -> StateConfig:
    raw = dict(data.get("state") or {})
    resolved, problems = resolve(raw, {"vars": variables})
    for path, message, hint in problems:
        out.add(doc, ("state", *path), message, hint)
    if problems:
        return StateConfig()
    return StateConfig(
        backend=resolved.get("backend", "sqlite"),
        path=str(resolved.get("path", ".stackctl/state.db")),
        url=resolved.get("url"),
    )
