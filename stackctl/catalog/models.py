"""Models for the CLI, the dashboard and ``stackctl.client``: plain, JSON-stable dicts.

``NAME[:REF]`` names a version: REF is a number, a stage (staging, production,
archived: the newest version in it) or ``latest`` (the default). Add keys to these
shapes, never rename or remove them (``--json`` prints them).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from stackctl.errors import StackctlError
from stackctl.model import ModelVersion, StageChange
from stackctl.project import Project

if TYPE_CHECKING:
    from stackctl.components.model_registries.base import ModelRegistry


def split_ref(text: str) -> tuple[str, str]:
    """``NAME[:REF]`` -> (name, ref); ref defaults to ``latest``."""
    name, sep, ref = text.partition(":")
    if not name or (sep and not ref):
        raise StackctlError(
            f"{text!r} does not name a model version",
            hint="write NAME, NAME:VERSION, NAME:STAGE or NAME:latest",
        )
    return name, ref or "latest"


def model_rows(project: Project) -> list[dict[str, Any]]:
    return [
        {
            "name": m.name,
            "description": m.description,
            "tags": list(m.tags),
            "latest": m.latest,
            "stages": dict(m.stages),
            "created_at": m.created_at,
        }
        for m in project.read_state().models()
    ]


def version_row(v: ModelVersion) -> dict[str, Any]:
    return {
        "model": v.model,
        "version": v.version,
        "stage": v.stage,
        "run_id": v.run_id,
        "pipeline": v.pipeline,
        "created_at": v.created_at,
    }


def version_rows(project: Project, name: str) -> list[dict[str, Any]]:
    return [version_row(v) for v in project.read_state().model_versions(name)]


def model_detail(project: Project, text: str) -> dict[str, Any]:
    """One version: its run, artifacts, metadata and stage history."""
    from stackctl.runtime.liveness import effective_status
    from stackctl.runtime.models import model_artifact, run_artifacts

    name, ref = split_ref(text)
    state = project.read_state()
    version = state.model_version(name, ref)
    run = state.run(version.run_id)
    artifacts = run_artifacts(state, run.id)
    main = model_artifact(artifacts)
    return {
        **version_row(version),
        "ref": ref,
        "run": {
            "id": run.id,
            "pipeline": run.pipeline,
            "stack": run.stack,
            "status": effective_status(run),
            "started_at": run.started_at,
            "finished_at": run.finished_at,
        },
        "artifacts": [
            {
                "step": a.step,
                "name": a.name,
                "type": a.type,
                "size": a.size,
                "digest": a.digest,
                "uri": a.uri,
                "model": a is main,
            }
            for a in artifacts
        ],
        "metadata": dict(version.metadata),
        "stage_history": [asdict(c) for c in state.stage_history(name, version.version)],
    }


def promote(project: Project, name: str, version: str, stage: str) -> list[StageChange]:
    """Promote (writes state; mirrored to the active stack's model registry, if any)."""
    from stackctl.runtime.models import promote as promote_version
    from stackctl.state.locking import now, user
    from stackctl.state.models_base import check_stage

    check_stage(stage)
    if not (version.isascii() and version.isdigit() and int(version) > 0):
        raise StackctlError(
            f"{version!r} is not a version number of model {name!r}",
            hint=f"give a number from `stackctl model versions {name}`",
        )
    state = project.state()
    state.model_versions(name)  # an unknown model is named before any registry is built
    registry = active_registry(project)
    return promote_version(state, name, int(version), stage, user(), now(), registry)


def active_registry(project: Project) -> ModelRegistry | None:
    """The active stack's model registry, instantiated with its secrets (None: none)."""
    from stackctl.components.registry import get_flavor
    from stackctl.config.secrets import Secrets, reveal

    stack = project.active_stack()
    spec = project.spec.stack_components(stack).get("model_registry")
    if spec is None:
        return None
    config = reveal(dict(spec.config), Secrets(project.root), f"model_registry.{spec.name}")
    registry: ModelRegistry = get_flavor("model_registry", spec.flavor).load()(
        spec.name, config, project.root
    )
    return registry
