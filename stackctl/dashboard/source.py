"""Where the dashboard reads from: the project's config and its state, read-only.

``ReadStore`` is the subset of the StateStore protocol the dashboard may call; typing
every query against it lets mypy prove the dashboard never writes state, and the store
itself is opened read-only (``Project.read_state``): a fresh project's state file is
never created, and a state file the dashboard may not write is fine. The config is
reloaded when a project file changes, so edits show up without a restart.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from stackctl.errors import ConfigError
from stackctl.model import (
    ArtifactRecord,
    ArtifactSelector,
    ArtifactVersion,
    HistoryEntry,
    MetadataEntry,
    ModelSummary,
    ModelVersion,
    ProjectSpec,
    Run,
    StageChange,
    State,
    StepInput,
    StepRun,
)
from stackctl.project import PROJECT_FILE, Project

if TYPE_CHECKING:
    from starlette.requests import Request


class ReadStore(Protocol):
    """The read half of stackctl.state.base.StateStore."""

    def read(self) -> State: ...

    def history(self) -> list[HistoryEntry]: ...

    def runs(
        self,
        *,
        stack: str | None = None,
        pipeline: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Run]: ...

    def run(self, run_id: str) -> Run: ...

    def steps(self, run_id: str) -> list[StepRun]: ...

    def artifacts(self, run_id: str) -> list[ArtifactRecord]: ...

    # named artifacts (issue 11): the read half of state.artifacts.NamedArtifacts
    def artifact_names(self) -> list[ArtifactVersion]: ...

    def artifact_versions(self, name: str) -> list[ArtifactVersion]: ...

    def artifact_version(self, selector: ArtifactSelector) -> ArtifactVersion: ...

    def artifact_versions_for_run(self, run_id: str) -> list[ArtifactVersion]: ...

    def metadata(self, run_id: str) -> list[MetadataEntry]: ...

    def step_inputs(self, run_id: str) -> list[StepInput]: ...

    def consumers(self, run_id: str, step: str, output: str) -> list[StepInput]: ...
    def models(self) -> list[ModelSummary]: ...

    def model_versions(self, name: str) -> list[ModelVersion]: ...

    def model_version(self, name: str, ref: str) -> ModelVersion: ...

    def stage_history(self, name: str, version: int | None = None) -> list[StageChange]: ...


class Source:
    """A project's config (reloaded on change) and its state store (opened once)."""

    def __init__(self, project: Project, store: ReadStore | None = None) -> None:
        self._project = project
        self._store = store
        self._mutex = threading.Lock()
        self._stamp: tuple[tuple[str, int, int], ...] = ()

    @property
    def root(self) -> Path:
        return self._project.root

    def spec(self) -> ProjectSpec:
        """The validated config (ConfigError when invalid), reloaded if a file changed."""
        with self._mutex:
            current = self._project
            # outside a project (implicit) there is no file to reload from
            stale = not current.implicit and self._config_stamp() != self._stamp
            if current._spec is not None and stale:
                self._project = Project(
                    current.root, current.var_overrides, current.var_files, env=current.env
                )
                # keep the open store across reloads
                self._project._read_state = current._read_state
            if self._project._spec is None:
                _ = self._project.spec  # ConfigError leaves _spec unset: retried next time
                self._stamp = self._config_stamp()
            return self._project.spec

    def _config_stamp(self) -> tuple[tuple[str, int, int], ...]:
        # Folders are included so that a new stacks/*.yaml file is noticed too.
        root = self._project.root
        files = {root / PROJECT_FILE}
        spec = self._project._spec
        if spec is not None:
            files |= {root / f for f in spec.files}
        paths = files | {f.parent for f in files}
        stamp = []
        for path in sorted(paths):
            try:
                info = path.stat()
                stamp.append((str(path), info.st_mtime_ns, info.st_size))
            except OSError:
                stamp.append((str(path), -1, -1))
        return tuple(stamp)

    def store(self) -> ReadStore:
        """The state store, read-only (empty until a SQLite state file exists)."""
        if self._store is not None:
            return self._store
        _ = self.spec()  # an invalid config fails here, like every other page
        with self._mutex:
            store: ReadStore = self._project.read_state()
            self._store = store
            return store

    def active_stack(self) -> str:
        return self._project.active_stack()

    def close(self) -> None:
        self._project.close()


def source(request: Request) -> Source:
    """The app's one Source (dashboard.app puts it on the app state)."""
    src: Source = request.app.state.source
    return src


def spec_or_none(src: Source) -> ProjectSpec | None:
    """The config when valid: run pages and charts of recorded runs stay usable while
    someone edits a broken YAML."""
    try:
        return src.spec()
    except ConfigError:
        return None
