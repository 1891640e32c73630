"""The composition root: finds the project, loads its config, opens its state store.

Everything above this layer (the CLI, the dashboard) talks to a ``Project``; everything
below receives explicit values from it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.errors import ConfigError, Diagnostic, GraphError, Location, NotFoundError
from stackctl.model import DEFAULT_STACK, PipelineSpec, ProjectSpec, StackSpec

if TYPE_CHECKING:
    from stackctl.config.envs import EnvSpec
    from stackctl.state.base import StateStore

PROJECT_FILE = "stackctl.yaml"
LOCAL_DIR = ".stackctl"  # per-checkout, never committed
ACTIVE_STACK_FILE = "active_stack"
STACK_ENV = "STACKCTL_STACK"
ENV_ENV = "STACKCTL_ENV"  # the environment (envs/NAME.yaml), as `stackctl --env NAME`
#: Written once the "no project here" note was shown, so it is shown once per folder.
IMPLICIT_NOTE_FILE = "implicit-note-shown"
IMPLICIT_NOTE = (
    "note: no stackctl.yaml here or above: running on the default stack, state and "
    "artifacts in ./.stackctl/ (run `stackctl init` to make this folder a project)"
)


def _pipeline_cycles(spec: PipelineSpec) -> list[Diagnostic]:
    """A cycle among a pipeline's steps, as a diagnostic (config/ cannot import graph)."""
    from stackctl import graph

    try:
        graph.check_step_cycles(spec)  # plain Python unless there is a cycle to name
    except GraphError as exc:
        return [Diagnostic(exc.location or Location(PROJECT_FILE), exc.message, "", exc.hint)]
    return []


def find_root(start: Path) -> Path:
    """Walk up from ``start`` to the folder holding stackctl.yaml (like git)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise NotFoundError(
        f"no {PROJECT_FILE} in {start} or any parent folder",
        hint="run `stackctl init` to start a project here, or cd into one",
    )


def in_project(start: Path) -> bool:
    """Whether ``start`` or a parent folder holds stackctl.yaml."""
    start = start.resolve()
    return any((folder / PROJECT_FILE).is_file() for folder in (start, *start.parents))


def implicit_spec(root: Path) -> ProjectSpec:
    """The configuration of a folder outside any project: the default stack only, state
    in .stackctl/state.db and artifacts in .stackctl/artifacts, as `stackctl init` sets
    them up (so a later `stackctl init` keeps the runs already recorded)."""
    from stackctl.model import ComponentSpec, StackSpec, StateConfig

    components = (
        ComponentSpec("orchestrator", "default", "local", {}),
        ComponentSpec("artifact_store", "default", "local", {"path": ".stackctl/artifacts"}),
    )
    stack = StackSpec(DEFAULT_STACK, {"orchestrator": "default", "artifact_store": "default"})
    return ProjectSpec(
        "",
        str(root),
        StateConfig(),
        {},
        {c.address: c for c in components},
        {DEFAULT_STACK: stack},
        {},
        (),
    )


@dataclass
class Project:
    """A stackctl project on disk, or (``implicit``) a folder outside any project that
    runs pipelines on the default stack with zero configuration."""

    root: Path
    var_overrides: Mapping[str, Any] = field(default_factory=dict)
    var_files: tuple[Path, ...] = ()
    _spec: ProjectSpec | None = field(default=None, repr=False)
    _state: StateStore | None = field(default=None, repr=False)
    _read_state: StateStore | None = field(default=None, repr=False)
    implicit: bool = False
    #: The selected environment (envs/NAME.yaml): its vars, its own state and settings.
    env: EnvSpec | None = None

    @classmethod
    def discover(
        cls,
        cwd: Path | None = None,
        *,
        var_overrides: Mapping[str, Any] | None = None,
        var_files: tuple[Path, ...] = (),
        implicit: bool = False,
        env: str | None = None,
    ) -> Project:
        """The project around ``cwd``; with ``implicit``, outside any project, the
        folder itself on the default stack (see ``implicit_spec``). ``env`` (default
        $STACKCTL_ENV) selects envs/NAME.yaml; outside a project there is none."""
        start = cwd or Path.cwd()
        if implicit and not in_project(start):
            return cls.outside(start)
        root = find_root(start)
        name = env if env is not None else os.environ.get(ENV_ENV, "")
        chosen = None
        if name:
            from stackctl.components.registry import schemas_dir
            from stackctl.config.envs import load_env

            chosen = load_env(root, name, schemas_dir())
        return cls(root, dict(var_overrides or {}), var_files, env=chosen)

    @classmethod
    def outside(cls, folder: Path) -> Project:
        root = folder.resolve()
        return cls(root, _spec=implicit_spec(root), implicit=True)

    def note_implicit(self) -> str | None:
        """The one-line "no project here" note, the first time only (None after)."""
        marker = self.local_dir / IMPLICIT_NOTE_FILE
        if not self.implicit or marker.exists():
            return None
        try:
            self.local_dir.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only folder shows the note every time: better than failing
        return IMPLICIT_NOTE

    # -- configuration --------------------------------------------------------------------
    @property
    def spec(self) -> ProjectSpec:
        """The validated project (raises ConfigError with every problem found)."""
        if self._spec is None:
            self._spec = self._load()
        return self._spec

    @property
    def loaded(self) -> bool:
        """Whether the validated spec is at hand (loaded, cached or given)."""
        return self._spec is not None

    def adopt(self, spec: ProjectSpec) -> None:
        """Take ``spec`` as this project's validated config (the per-checkout cache's
        copy of what ``spec`` would load: project_cache.use_spec_cache)."""
        self._spec = spec

    def _load(self) -> ProjectSpec:
        from stackctl.components.extras import missing_extras
        from stackctl.components.registry import flavor_schemas, schemas_dir
        from stackctl.config.load import load_project

        spec = load_project(
            self.root,
            schemas_dir=schemas_dir(),
            flavor_schemas=flavor_schemas(),
            var_overrides=self.var_overrides,
            var_files=self.var_files,
            check_pipeline=_pipeline_cycles,
            compile_source=self._compile_source,
            env=self.env,
        )
        missing = missing_extras(spec.components.values())  # before anything imports them
        if missing:
            raise ConfigError(missing)
        return spec

    def _compile_source(self, ref: str, where: Location) -> PipelineSpec:
        """A YAML `source: MODULE:FUNCTION`: imports the module from the project root."""
        from stackctl.runtime.source import load_pipeline

        return load_pipeline(ref, self.root, where)

    def validate(self) -> list[Diagnostic]:
        """Every configuration problem (empty when valid), step functions included."""
        from stackctl.runtime.references import check_functions
        from stackctl.runtime.schema_refs import check_schema_files

        try:
            spec = self.spec
        except ConfigError as exc:
            return list(exc.diagnostics)
        found = [*check_functions(spec), *check_schema_files(spec)]
        return sorted(found, key=lambda d: (d.location, d.message))

    # -- state ----------------------------------------------------------------------------
    @property
    def local_dir(self) -> Path:
        return self.root / LOCAL_DIR

    @property
    def settings_dir(self) -> Path:
        """Per-checkout settings (the active stack): an environment keeps its own."""
        if self.env is None:
            return self.local_dir
        return self.local_dir / "envs" / self.env.name

    @property
    def active_stack_file(self) -> Path:
        return self.settings_dir / ACTIVE_STACK_FILE

    def state(self) -> StateStore:
        """The project's state store (opened once)."""
        if self._state is None:
            from stackctl.state import open_state_store

            self._state = open_state_store(self.spec.state, self.root)
        return self._state

    def read_state(self) -> StateStore:
        """The state store for commands that only look (show, drift, runs, dashboard):
        it never creates the state file, never migrates it and refuses to write. The
        writable store is reused when this project has already opened it."""
        if self._state is not None:
            return self._state
        if self._read_state is None:
            from stackctl.state import open_state_store

            self._read_state = open_state_store(self.spec.state, self.root, read_only=True)
        return self._read_state

    def close(self) -> None:
        for store in (self._state, self._read_state):
            if store is not None:
                store.close()
        self._state = self._read_state = None

    # -- active stack ---------------------------------------------------------------------
    def active_stack(self, override: str | None = None) -> str:
        """`--stack`, then $STACKCTL_STACK, then .stackctl/active_stack, then `default`."""
        if override is not None:  # `--stack ""` is an error, not "use the active one"
            return override
        if os.environ.get(STACK_ENV):
            return os.environ[STACK_ENV]
        return self._checkout_stack() or DEFAULT_STACK

    def _checkout_stack(self) -> str:
        """The name in .stackctl/active_stack ('' when there is none)."""
        path = self.active_stack_file
        return path.read_text().strip() if path.is_file() else ""

    def stack(self, name: str) -> StackSpec:
        """The declared stack ``name``; NotFoundError naming the closest one otherwise."""
        if name not in self.spec.stacks:
            from stackctl.config.schema import closest

            if name and not os.environ.get(STACK_ENV) and name == self._checkout_stack():
                # the checkout's choice outlived the stack: say where it comes from
                raise NotFoundError(
                    f"the active stack {name!r} is no longer declared",
                    hint="pick another: `stackctl stack set default` (see `stackctl stack list`)",
                    location=Location(str(self.active_stack_file.relative_to(self.root))),
                )
            raise NotFoundError(
                f"stack {name!r} is not declared",
                hint=closest(name, list(self.spec.stacks)) or "see `stackctl stack list`",
            )
        return self.spec.stacks[name]

    def set_active_stack(self, name: str) -> None:
        self.stack(name)
        self.settings_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.settings_dir / (ACTIVE_STACK_FILE + ".tmp")
        tmp.write_text(name + "\n")
        tmp.replace(self.active_stack_file)
