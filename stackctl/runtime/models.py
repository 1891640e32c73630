"""Models: each completed run of a pipeline with `model: NAME` makes version N+1.

A version links its run, the artifacts that run produced and the run's metadata. When
the stack has a model registry (e.g. MLflow), every version and stage change is
mirrored there too; the state store stays the source of truth, so a registry that is
down costs a warning, never the run or the promotion.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from stackctl.components.artifact_stores.base import ArtifactStore, VerifiedStore
from stackctl.components.model_registries.base import ModelRegistry
from stackctl.errors import StackctlError
from stackctl.frozen import frozen
from stackctl.model import (
    ArtifactRecord,
    ModelDecl,
    ModelVersion,
    PipelineSpec,
    Run,
    RunStatus,
    StageChange,
)
from stackctl.runtime import materializers
from stackctl.state.base import StateStore

log = logging.getLogger("stackctl")

MODEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}\Z")
#: Materializers of arbitrary objects: their artifact is taken as "the model" file.
_OBJECT_MATERIALIZERS = ("joblib", "pickle")


def model_decl(value: str | Mapping[str, Any] | ModelDecl | None) -> ModelDecl | None:
    """``@pipeline(model=...)``: a name or {"name", "description", "tags"}."""
    if value is None or isinstance(value, ModelDecl):
        return value
    if isinstance(value, str):
        return ModelDecl(_checked_name(value))
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"name", "description", "tags"})
        tags = value.get("tags") or ()
        if unknown or not isinstance(value.get("name"), str) or isinstance(tags, str):
            raise StackctlError(
                f"@pipeline(model={dict(value)!r}) is not a model declaration",
                hint='use model="NAME" or model={"name": NAME, "description": TEXT, '
                '"tags": [TAG, ...]}',
            )
        return ModelDecl(
            _checked_name(value["name"]),
            str(value.get("description") or ""),
            tuple(str(t) for t in tags),
        )
    raise StackctlError(
        f"@pipeline(model={value!r}) is not a model declaration",
        hint='use model="NAME" or model={"name": NAME, ...}',
    )


def _checked_name(name: str) -> str:
    if not MODEL_NAME.match(name):
        raise StackctlError(
            f"model name {name!r} is not valid",
            hint="use letters, digits, `_`, `-` and `.`, starting with a letter or `_` "
            "(no `:`: it separates the version in NAME:VERSION)",
        )
    return name


def run_artifacts(store: StateStore, run_id: str) -> list[ArtifactRecord]:
    """The artifacts a model version links: the named artifact versions its run
    published (docs/artifacts.md), or every output of the run when it named none.

    Everything model-related reads a version's artifacts through here.
    """
    outputs = store.artifacts(run_id)
    named = {(v.step, v.output) for v in store.artifact_versions_for_run(run_id)}
    return [a for a in outputs if (a.step, a.name) in named] or outputs


def run_metadata(store: StateStore, run: Run) -> dict[str, Any]:
    """What a new version records about its run: its params and the metadata its steps
    logged on the run (``stackctl.log_metadata({...}, run=True)``; the latest value of a
    key wins)."""
    metadata: dict[str, Any] = {"params": dict(run.params)}
    metadata.update({e.key: e.value for e in store.metadata(run.id) if e.scope == "run"})
    return metadata


def model_artifact(artifacts: Sequence[ArtifactRecord]) -> ArtifactRecord | None:
    """The file that is "the model": the last object (joblib/pickle) output, else the
    last output of the run."""
    objects = [a for a in artifacts if a.materializer in _OBJECT_MATERIALIZERS]
    picked = objects or list(artifacts)
    return picked[-1] if picked else None


def artifact_source(store: ArtifactStore, artifact: ArtifactRecord | None) -> str:
    """Where a registry should point for the model file: a file URI when it is local."""
    if artifact is None:
        return ""
    local = store.local_path(artifact.uri)
    return Path(local).resolve().as_uri() if local else artifact.uri


def record_version(
    spec: PipelineSpec,
    run: Run,
    store: StateStore,
    registry: ModelRegistry | None,
    artifact_store: ArtifactStore,
    at: str,
) -> ModelVersion | None:
    """Version N+1 of the pipeline's model for a completed run (None: no model, or the
    run did not complete), mirrored to ``registry`` when there is one."""
    if spec.model is None or run.status is not RunStatus.COMPLETED:
        return None
    created = store.create_model_version(
        spec.model, run.id, run.pipeline, run_metadata(store, run), at
    )
    log.info("model %s: version %d", created.model, created.version)
    if registry is not None:
        artifact = model_artifact(run_artifacts(store, run.id))
        source = artifact_source(artifact_store, artifact)
        _mirrored(registry, "version", registry.register_version, spec.model, created, source)
    return created


def promote(
    store: StateStore,
    name: str,
    version: int,
    stage: str,
    who: str,
    at: str,
    registry: ModelRegistry | None = None,
) -> list[StageChange]:
    """Move ``version`` to ``stage`` (the previous holder to archived) and mirror it."""
    changes = store.promote_model(name, version, stage, who, at)
    if registry is not None and changes:
        _mirrored(registry, "stage change", registry.set_stages, name, changes)
    return changes


def _mirrored(registry: ModelRegistry, what: str, call: Any, *args: Any) -> None:
    try:
        call(*args)
    except Exception as exc:  # state has it already; the registry can catch up later
        log.warning("model registry %r did not take the %s: %s", registry.name, what, exc)


@frozen
class LoadedModel:
    """A model version with its artifacts loaded (``stackctl.client.get_model``)."""

    version: ModelVersion
    records: tuple[ArtifactRecord, ...]
    artifacts: Mapping[str, Any]  # "step.output" -> value
    model: Any  # the value of model_artifact()

    def __getitem__(self, key: str) -> Any:
        return self.artifacts[key]


def load_version(
    store: StateStore, artifact_store: ArtifactStore, version: ModelVersion
) -> LoadedModel:
    """Load every artifact of a version, each verified against its recorded digest
    before anything deserialises it."""
    records = run_artifacts(store, version.run_id)
    values = {
        f"{r.step}.{r.name}": materializers.by_name(r.materializer).load(
            VerifiedStore(artifact_store, r.digest), r.uri
        )
        for r in records
    }
    main = model_artifact(records)
    chosen = values[f"{main.step}.{main.name}"] if main else None
    return LoadedModel(version, tuple(records), values, chosen)
