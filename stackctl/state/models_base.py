"""The model half of a state store: versions, stages and their history.

``SqlModelRecords`` (SQLite, PostgreSQL) and ``MemoryModelRecords`` (tests) implement
``ModelStore``; both word their errors and decide promotions here, so the two cannot
drift apart. A version reference is a number, a stage name, or ``latest``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from stackctl.errors import NotFoundError, StackctlError
from stackctl.model import (
    EXCLUSIVE_STAGES,
    MODEL_STAGES,
    ModelDecl,
    ModelSummary,
    ModelVersion,
    StageChange,
)


class ModelStore(Protocol):
    """What the runtime, the CLI, the client and the dashboard ask about models."""

    def create_model_version(
        self, model: ModelDecl, run_id: str, pipeline: str, metadata: Mapping[str, Any], at: str
    ) -> ModelVersion:
        """Register the model if new and add version N+1 for ``run_id``, in one
        transaction; concurrent callers each get their own number (retried on the
        unique constraint). A run that already has a version gets that one back."""
        ...

    def models(self) -> list[ModelSummary]:
        """Every model, by name."""
        ...

    def model_versions(self, name: str) -> list[ModelVersion]:
        """Versions of ``name``, newest first (NotFoundError for an unknown model)."""
        ...

    def model_version(self, name: str, ref: str) -> ModelVersion:
        """The version ``ref`` names: ``3``, ``production``, ``latest``."""
        ...

    def promote_model(
        self, name: str, version: int, stage: str, who: str, at: str
    ) -> list[StageChange]:
        """Put ``version`` in ``stage``, moving the previous holder of an exclusive stage
        to ``archived``, in one transaction; the changes made (empty when it already
        was there)."""
        ...

    def stage_history(self, name: str, version: int | None = None) -> list[StageChange]:
        """Stage changes of a model (or one version), oldest first."""
        ...


def check_stage(stage: str) -> str:
    if stage not in MODEL_STAGES:
        raise StackctlError(
            f"unknown stage {stage!r}",
            hint=f"use one of: {', '.join(MODEL_STAGES)}",
        )
    return stage


def no_model(name: str, known: Sequence[str]) -> NotFoundError:
    listing = ", ".join(sorted(known)[:10]) or "none yet"
    return NotFoundError(
        f"model {name!r} does not exist (models: {listing})",
        hint="a pipeline with `model: NAME` makes one when it completes; "
        "list them: `stackctl model list`",
    )


def no_version(name: str, ref: str, latest: int) -> NotFoundError:
    if ref in MODEL_STAGES:
        return NotFoundError(
            f"model {name!r} has no version in stage {ref!r}",
            hint=f"promote one: `stackctl model promote {name} VERSION --stage {ref}`",
        )
    return NotFoundError(
        f"model {name!r} has no version {ref} (latest is {latest})",
        hint=f"list its versions: `stackctl model versions {name}`",
    )


def bad_ref(name: str, ref: str) -> StackctlError:
    return StackctlError(
        f"{name}:{ref} does not name a version",
        hint=f"use {name}:N (a version number), {name}:latest or {name}:STAGE "
        f"({', '.join(MODEL_STAGES)})",
    )


def parse_ref(name: str, ref: str) -> int | str:
    """A version number, a stage or ``latest``; StackctlError otherwise."""
    if ref == "latest" or ref in MODEL_STAGES:
        return ref
    if ref.isascii() and ref.isdigit() and int(ref) > 0:
        return int(ref)
    raise bad_ref(name, ref)


def promotion(
    versions: Sequence[ModelVersion], version: int, stage: str, who: str, at: str
) -> list[StageChange]:
    """The stage changes promoting ``version`` makes: the previous holder of an
    exclusive stage goes to ``archived`` first, then ``version`` moves."""
    check_stage(stage)
    target = next((v for v in versions if v.version == version), None)
    if target is None:
        name = versions[0].model if versions else "?"
        raise no_version(name, str(version), max((v.version for v in versions), default=0))
    if target.stage == stage:
        return []
    changes = []
    if stage in EXCLUSIVE_STAGES:
        for holder in versions:
            if holder.stage == stage and holder.version != version:
                changes.append(
                    StageChange(holder.model, holder.version, stage, "archived", who, at)
                )
    changes.append(StageChange(target.model, version, target.stage, stage, who, at))
    return changes


def pick(name: str, versions: Sequence[ModelVersion], ref: str) -> ModelVersion:
    """The version of ``versions`` (newest first) that ``ref`` names."""
    wanted = parse_ref(name, ref)
    latest = versions[0].version if versions else 0
    for v in versions:
        if wanted == "latest" or v.stage == wanted or v.version == wanted:
            return v
    raise no_version(name, ref, latest)
