"""Load a whole project: stackctl.yaml, its includes, schema checks, references -> model.

Every problem in every file is collected and raised once as a ConfigError, so
`stackctl validate` shows them all in one pass. Even a project file with schema errors
still has its includes checked, as long as `include` and `vars` themselves are usable.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.config.build import Builder, FlavorSchemas
from stackctl.config.context import PipelineCheck
from stackctl.config.declared import Collector
from stackctl.config.documents import (
    display_path,
    load_document,
    load_project_file,
)
from stackctl.config.includes import IncludeRefused, allowed_roots, expand
from stackctl.config.resolve import resolve
from stackctl.config.schema import closest
from stackctl.config.sources import PipelineSource
from stackctl.config.variables import parse_var
from stackctl.config.yaml import Document, read_document, to_plain
from stackctl.errors import ConfigError, Diagnostic, Location
from stackctl.model import ProjectSpec, StateConfig

if TYPE_CHECKING:
    from stackctl.config.envs import EnvSpec

__all__ = ["PROJECT_FILE", "load_document", "load_project", "parse_var"]

PROJECT_FILE = "stackctl.yaml"
DEFAULT_INCLUDE = ("stacks/*.yaml", "pipelines/*.yaml")


def load_project(
    root: Path,
    *,
    schemas_dir: Path,
    flavor_schemas: FlavorSchemas,
    var_overrides: Mapping[str, Any] | None = None,
    var_files: tuple[Path, ...] = (),
    check_pipeline: PipelineCheck = lambda _spec: [],
    compile_source: PipelineSource | None = None,
    env: EnvSpec | None = None,
) -> ProjectSpec:
    """Load and validate everything under ``root``; raise ConfigError with all problems."""
    out = Collector()
    loaded = out.guard(load_project_file, root / PROJECT_FILE, root, schemas_dir=schemas_dir)
    if loaded is None:
        raise ConfigError(out.problems)
    pdoc, pdata, problems = loaded
    out.extend(problems)
    bad = {p.pointer.split("/")[1] for p in problems if p.pointer.count("/") >= 1}
    if not isinstance(pdata, dict):
        raise ConfigError(out.problems)
    variables = _variables(pdoc, pdata, "vars" in bad, out)
    if env is not None:  # an environment's vars: below --var-file and --var
        from stackctl.config.envs import unknown_vars

        out.extend(unknown_vars(env, variables))
        variables.update({k: v for k, v in env.vars.items() if k in variables})
    for var_file in var_files:
        loaded_vars = out.guard(_load_var_file, var_file, root)
        if loaded_vars:
            variables.update(loaded_vars)
    for name, value in (var_overrides or {}).items():
        if name not in variables:
            hint = closest(name, variables) or f"declare it under `vars:` in {PROJECT_FILE}"
            out.problems.append(
                Diagnostic(Location("--var"), f"unknown variable {name!r}", "", hint)
            )
            continue  # already an error: it must not show up as a known name in others
        variables[name] = value
    state = StateConfig() if "state" in bad else _state_config(pdoc, pdata, variables, out)
    if env is not None:
        from stackctl.config.envs import env_state

        state = out.guard(env_state, env, state, variables) or state
    include = DEFAULT_INCLUDE if "include" in bad else pdata.get("include", DEFAULT_INCLUDE)
    builder = Builder(
        root, schemas_dir, flavor_schemas, variables, out, check_pipeline, compile_source
    )
    builder.refactors.add(pdoc, pdata, frozenset(p.pointer for p in problems))
    builder.add_imports(pdoc, pdata, frozenset(p.pointer for p in problems))
    files: list[str] = [pdoc.display]
    outside = [] if "allow_outside" in bad else pdata.get("allow_outside", [])
    roots = allowed_roots(root, outside)
    for index, pattern in enumerate(include):
        try:
            matches = expand(root, pattern, roots)
        except IncludeRefused as exc:
            out.add_value(pdoc, ("include", index), exc.message, exc.hint)
            continue
        if not matches and not any(c in pattern for c in "*?["):
            out.add_value(
                pdoc,
                ("include", index),
                f"include: {pattern!r} matches no file",
                "fix the path, or remove it from `include`",
            )
        for path in matches:
            if display_path(path, root) not in files:
                files.append(display_path(path, root))
                builder.add_file(path)
    project = pdata.get("project")
    spec = builder.build(project if isinstance(project, str) else "", str(root), state, files)
    if out.problems:
        raise ConfigError(out.problems)
    return spec


def _variables(
    doc: Document, data: Mapping[str, Any], broken: bool, out: Collector
) -> dict[str, Any]:
    """`vars:` of the project file; each one's interpolations must resolve too."""
    raw = data.get("vars")
    if broken or not isinstance(raw, dict):
        return {}
    _, problems = resolve(raw, {"vars": raw})
    for path, message, hint in problems:
        out.add_value(doc, ("vars", *path), message, hint)
    return dict(raw)


def _load_var_file(path: Path, root: Path) -> dict[str, Any]:
    doc = read_document(path, display_path(path, root))
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
        out.add_value(doc, ("state", *path), message, hint)
    if problems:
        return StateConfig()
    return StateConfig(
        backend=resolved.get("backend", "sqlite"),
        path=str(resolved.get("path", ".stackctl/state.db")),
        url=resolved.get("url"),
    )
