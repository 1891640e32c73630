"""The Python API for past runs: find runs and load their artifacts.

    from stackctl import client

    run = client.runs(pipeline="training")[0]        # newest first
    model = client.load(run.id, "train")             # the step's `output`
    X_test = client.load(run.id[:8], "split", "X_test")
    df = client.load_artifact("iris_data")            # the latest version of a name
    model = client.load_artifact("iris_model", version=2)   # or a tag: version="production"

Every function finds the project by walking up from the current folder (like
``stackctl``), or from ``project=`` (a folder inside it). Artifacts are loaded from the
artifact store the run wrote to, through the materializer that wrote them, exactly as
the next step of the pipeline would load them. Run ids may be unique prefixes.
Outside any project it reads the runs a script recorded in ./.stackctl/ (zero
configuration, as ``python run.py`` does).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.model import ArtifactRecord, ArtifactVersion, Run, RunStatus, StepRun

if TYPE_CHECKING:
    from stackctl.project import Project
    from stackctl.runtime.models import LoadedModel

__all__ = [
    "artifact_version",
    "artifact_versions",
    "artifacts",
    "get_model",
    "load",
    "load_artifact",
    "read_bytes",
    "run",
    "runs",
    "status",
    "steps",
]

ProjectPath = str | Path | None


@contextmanager
def _opened(project: ProjectPath) -> Iterator[Project]:
    from stackctl.project import Project

    opened = Project.discover(Path(project) if project is not None else None, implicit=True)
    try:
        yield opened
    finally:
        opened.close()


def runs(
    *,
    pipeline: str | None = None,
    stack: str | None = None,
    limit: int = 50,
    project: ProjectPath = None,
) -> list[Run]:
    """Recorded runs, newest first (``status(run)`` tells an interrupted one)."""
    with _opened(project) as opened:
        return opened.state().runs(pipeline=pipeline, stack=stack, limit=limit)


def run(run_id: str, *, project: ProjectPath = None) -> Run:
    """One run by id or unique prefix (NotFoundError, with a hint, when there is none)."""
    with _opened(project) as opened:
        return opened.state().run(run_id)


def status(record: Run, *, project: ProjectPath = None) -> str:
    """The run's status as `stackctl runs list` shows it: `interrupted` for a run whose
    process died without recording its end. A `running` run's lease is judged on the
    state database's clock, as the CLI does (hosts sharing PostgreSQL may disagree
    about the time; this host's clock could show a live run `interrupted`)."""
    from stackctl.runtime.liveness import effective_status
    from stackctl.state.clock import database_now

    if record.status != RunStatus.RUNNING:  # finished: no store to ask
        return record.status.value
    with _opened(project) as opened:
        return effective_status(record, database_now(opened.state()))


def steps(run_id: str, *, project: ProjectPath = None) -> list[StepRun]:
    """The step records of a run, in the order they were first recorded."""
    with _opened(project) as opened:
        state = opened.state()
        return state.steps(state.run(run_id).id)


def artifacts(run_id: str, *, project: ProjectPath = None) -> list[ArtifactRecord]:
    """Every artifact a run wrote or reused from the cache."""
    with _opened(project) as opened:
        state = opened.state()
        return state.artifacts(state.run(run_id).id)


def load(run_id: str, step: str, output: str = "output", *, project: ProjectPath = None) -> Any:
    """The value of ``step.output`` of a run, loaded from the artifact store."""
    from stackctl.launch import artifact_store_of
    from stackctl.runtime.client import load_artifact

    with _opened(project) as opened:
        state = opened.state()
        record = state.run(run_id)
        store = artifact_store_of(opened, record)
        return load_artifact(state, store, record.id, step, output)


def read_bytes(
    run_id: str, step: str, output: str = "output", *, project: ProjectPath = None
) -> bytes:
    """The stored bytes of ``step.output`` (JSON text, .npy, parquet, pickle...)."""
    from stackctl.launch import artifact_store_of
    from stackctl.runtime.client import read_artifact

    with _opened(project) as opened:
        state = opened.state()
        record = state.run(run_id)
        store = artifact_store_of(opened, record)
        return read_artifact(state, store, record.id, step, output)


def artifact_versions(name: str, *, project: ProjectPath = None) -> list[ArtifactVersion]:
    """Every version of a named artifact, oldest first."""
    with _opened(project) as opened:
        return opened.state().artifact_versions(name)


def artifact_version(
    name: str, version: int | str | None = None, *, project: ProjectPath = None
) -> ArtifactVersion:
    """One version of a named artifact: None for the latest, a number or a tag."""
    from stackctl.runtime.naming import selector

    with _opened(project) as opened:
        return opened.state().artifact_version(selector(name, version))


def load_artifact(
    name: str, version: int | str | None = None, *, project: ProjectPath = None
) -> Any:
    """The value of a named artifact version (None: the latest; a number or a tag),
    loaded from the artifact store of the run that published it, digest verified."""
    from stackctl.launch import artifact_store_of
    from stackctl.runtime.client import load_version
    from stackctl.runtime.naming import selector

    with _opened(project) as opened:
        state = opened.state()
        found = state.artifact_version(selector(name, version))
        store = artifact_store_of(opened, state.run(found.run_id))
        return load_version(store, found)


def get_model(
    name: str,
    *,
    stage: str | None = None,
    version: int | None = None,
    project: ProjectPath = None,
) -> LoadedModel:
    """A model version (by ``stage=``, ``version=``, else the latest) with its artifacts
    loaded, each verified against its recorded digest first::

        model = client.get_model("iris_classifier", stage="production")
        model.model                  # the model object (the run's joblib/pickle output)
        model["evaluate.output"]     # any artifact of the version's run, by step.output
        model.version.version, model.version.run_id
    """
    from stackctl.errors import StackctlError
    from stackctl.launch import artifact_store_of
    from stackctl.runtime.models import load_version

    if stage is not None and version is not None:
        raise StackctlError(
            "get_model takes stage= or version=, not both",
            hint=f'e.g. get_model("{name}", stage="production")',
        )
    ref = stage if stage is not None else str(version) if version is not None else "latest"
    with _opened(project) as opened:
        state = opened.read_state()
        found = state.model_version(name, ref)
        store = artifact_store_of(opened, state.run(found.run_id))
        return load_version(state, store, found)
