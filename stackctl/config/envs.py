"""Environment files (`envs/NAME.yaml`): variable overrides and where the state lives.

`stackctl --env staging` (or STACKCTL_ENV=staging) reads envs/staging.yaml. Its `vars:`
override the project's (below --var and --var-file); its `state:` names the
environment's own store. Without `state:` an environment gets its own SQLite file,
`.stackctl/envs/NAME/state.db`, so two environments never share a state by accident; in
a project whose state is PostgreSQL, its own schema `stackctl_env_NAME` of the same
database (or the `url:`/`schema:` its `state:` names).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field
from functools import partial
from pathlib import Path
from typing import Any

from stackctl.config.documents import load_document
from stackctl.config.resolve import resolve
from stackctl.config.yaml import Document
from stackctl.errors import ConfigError, Diagnostic, Location, NotFoundError
from stackctl.files import FileRefused, read_capped
from stackctl.frozen import frozen
from stackctl.model import StateConfig

ENVS_DIR = "envs"
ENV_VAR = "STACKCTL_ENV"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,62}\Z")
load_env_file = partial(load_document, schema="env.schema.json")


@frozen
class EnvSpec:
    """One environment as its file declares it (state not yet resolved)."""

    name: str
    file: str  # as shown to users: envs/NAME.yaml
    description: str = ""
    vars: Mapping[str, Any] = field(default_factory=dict)
    #: Where each of ``vars`` is written, for "unknown variable" errors.
    var_locations: Mapping[str, Location] = field(default_factory=dict)
    state: Mapping[str, Any] | None = None
    state_location: Location | None = None


def env_names(root: Path) -> list[str]:
    """The environments a project declares: the names of envs/*.yaml, sorted."""
    folder = root / ENVS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if p.is_file() and _NAME.match(p.stem))


def load_env(root: Path, name: str, schemas_dir: Path) -> EnvSpec:
    """envs/NAME.yaml, schema-checked; NotFoundError naming the known ones otherwise."""
    known = env_names(root)
    if name not in known:
        listed = (
            f"known: {', '.join(known)}"
            if known
            else f"this project has none: no {ENVS_DIR}/*.yaml"
        )
        raise NotFoundError(
            f"unknown environment {name!r} ({listed})",
            hint=(
                f"pick one of them, or create {ENVS_DIR}/{name}.yaml"
                if known
                else f"create {ENVS_DIR}/{name}.yaml"
            )
            if _NAME.match(name)
            else "names are letters, digits, _ and -",
        )
    path = root / ENVS_DIR / f"{name}.yaml"
    if _blank(path):  # `touch envs/dev.yaml` makes an environment with its own state
        return EnvSpec(name, f"{ENVS_DIR}/{name}.yaml")
    doc, data, problems = load_env_file(path, root, schemas_dir=schemas_dir)
    if problems:
        raise ConfigError(problems)
    data = data if isinstance(data, dict) else {}  # an empty file is an environment too
    return _spec(doc, name, data)


def _blank(path: Path) -> bool:
    try:
        text = read_capped(path, str(path)).decode("utf-8", "replace")
    except FileRefused:
        return False  # the loader reports it, located
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _spec(doc: Document, name: str, data: Mapping[str, Any]) -> EnvSpec:
    variables = dict(data.get("vars") or {})
    return EnvSpec(
        name=name,
        file=doc.display,
        description=str(data.get("description", "")),
        vars=variables,
        var_locations={k: doc.locate(("vars", k)) for k in variables},
        state=data.get("state"),
        state_location=doc.locate(("state",)) if "state" in data else None,
    )


def unknown_vars(env: EnvSpec, declared: Mapping[str, Any]) -> list[Diagnostic]:
    """An environment may only set variables the project declares (a typo would be
    silently ignored otherwise)."""
    from stackctl.config.schema import closest

    return [
        Diagnostic(
            env.var_locations[n],
            f"vars.{n}: unknown variable {n!r}",
            f"/vars/{n}",
            closest(n, declared) or "declare it under `vars:` in stackctl.yaml",
        )
        for n in env.vars
        if n not in declared
    ]


def env_state(env: EnvSpec, project: StateConfig, variables: Mapping[str, Any]) -> StateConfig:
    """The environment's state: its own `state:`, or its own SQLite file by default."""
    default_path = f".stackctl/envs/{env.name}/state.db"
    if env.state is None:
        if project.backend == "postgres":  # the same database, a schema of its own
            return StateConfig("postgres", default_path, project.url, default_schema(env.name))
        return StateConfig(backend=project.backend, path=default_path, url=None)
    resolved, problems = resolve(dict(env.state), {"vars": variables})
    if problems:
        where = env.state_location or Location(env.file, 1, 1)
        raise ConfigError(
            [
                Diagnostic(where, f"state.{'.'.join(map(str, p))}: {m}", "", h)
                for p, m, h in problems
            ]
        )
    backend = str(
        resolved.get("backend")
        or (
            "postgres"
            if {"url", "schema"} & resolved.keys()
            else "sqlite"
            if "path" in resolved
            else project.backend
        )
    )
    url = resolved.get("url")
    schema = resolved.get("schema")
    if backend == "postgres" and url is None:  # only a schema: in the project's database
        url = project.url
    if backend == "postgres" and schema is None and url == project.url:
        schema = default_schema(env.name)  # never the project's own state by accident
    return StateConfig(
        backend=backend,
        path=str(resolved.get("path", default_path)),
        url=url,
        schema=None if schema is None else str(schema),
    )


def default_schema(name: str) -> str:
    """The PostgreSQL schema of environment ``name`` in the project's database."""
    return f"stackctl_env_{name}"
