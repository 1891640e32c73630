"""Model versions and stages for the in-memory state store (tests): the same contract
as ``models_sql``, with the decisions (numbers, promotions, errors) from models_base."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from stackctl.model import ModelDecl, ModelSummary, ModelVersion, StageChange
from stackctl.state import codec
from stackctl.state.models_base import no_model, pick, promotion


@dataclass
class ModelData:
    """Shared by every handle on one memory state."""

    models: dict[str, ModelSummary] = field(default_factory=dict)
    versions: dict[str, list[ModelVersion]] = field(default_factory=dict)  # oldest first
    changes: dict[str, list[StageChange]] = field(default_factory=dict)
    mutex: threading.RLock = field(default_factory=threading.RLock)


class MemoryModelRecords:
    """Mixin for MemoryStateStore (its ModelData is shared between its handles)."""

    def _models_data(self) -> ModelData:
        raise NotImplementedError

    def create_model_version(
        self, model: ModelDecl, run_id: str, pipeline: str, metadata: Mapping[str, Any], at: str
    ) -> ModelVersion:
        # Through JSON, as the SQL stores keep it: a value they would refuse fails here.
        stored = codec.loads(codec.dumps(dict(metadata), f"metadata of model {model.name!r}"))
        data = self._models_data()
        with data.mutex:
            known = data.models.get(model.name)
            data.models[model.name] = ModelSummary(
                model.name, model.description, model.tags, known.created_at if known else at, 0
            )
            versions = data.versions.setdefault(model.name, [])
            for v in versions:
                if v.run_id == run_id:
                    return v
            created = ModelVersion(model.name, len(versions) + 1, run_id, pipeline, at, "", stored)
            versions.append(created)
            return created

    def models(self) -> list[ModelSummary]:
        data = self._models_data()
        with data.mutex:
            return [
                replace(
                    data.models[name],
                    latest=len(data.versions[name]),
                    stages={v.stage: v.version for v in data.versions[name] if _held(v)},
                )
                for name in sorted(data.models)
            ]

    def model_versions(self, name: str) -> list[ModelVersion]:
        data = self._models_data()
        with data.mutex:
            if name not in data.models:
                raise no_model(name, list(data.models))
            return list(reversed(data.versions[name]))

    def model_version(self, name: str, ref: str) -> ModelVersion:
        return pick(name, self.model_versions(name), ref)

    def promote_model(
        self, name: str, version: int, stage: str, who: str, at: str
    ) -> list[StageChange]:
        data = self._models_data()
        with data.mutex:
            changes = promotion(self.model_versions(name), version, stage, who, at)
            versions = data.versions[name]
            for change in changes:
                index = change.version - 1
                versions[index] = replace(versions[index], stage=change.to_stage)
            data.changes.setdefault(name, []).extend(changes)
            return changes

    def stage_history(self, name: str, version: int | None = None) -> list[StageChange]:
        with self._models_data().mutex:
            changes = list(self._models_data().changes.get(name, []))
        return [c for c in changes if version is None or c.version == version]


def _held(version: ModelVersion) -> bool:
    return version.stage not in ("", "archived")


def export_rows(data: ModelData) -> dict[str, tuple[dict[str, Any], ...]]:
    """The model tables as the SQL stores hold them (``StateDump.models``)."""
    with data.mutex:
        models = tuple(
            {
                "name": m.name,
                "description": m.description,
                "tags": codec.dumps(list(m.tags), "model tags"),
                "created_at": m.created_at,
            }
            for m in data.models.values()
        )
        versions = tuple(
            {
                "name": v.model,
                "version": v.version,
                "run_id": v.run_id,
                "pipeline": v.pipeline,
                "created_at": v.created_at,
                "stage": v.stage,
                "metadata": codec.dumps(dict(v.metadata), "model metadata"),
            }
            for vs in data.versions.values()
            for v in vs
        )
        changes = tuple(
            {
                "name": c.model,
                "seq": seq,
                "version": c.version,
                "from_stage": c.from_stage,
                "to_stage": c.to_stage,
                "who": c.who,
                "at": c.at,
            }
            for cs in data.changes.values()
            for seq, c in enumerate(cs, 1)
        )
    return {"models": models, "model_versions": versions, "model_stage_changes": changes}


def import_rows(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> ModelData:
    data = ModelData()
    for r in rows.get("models", ()):
        tags = tuple(codec.loads(r["tags"]) or ())
        data.models[r["name"]] = ModelSummary(r["name"], r["description"], tags, r["created_at"], 0)
        data.versions[r["name"]] = []
    for r in sorted(rows.get("model_versions", ()), key=lambda r: (r["name"], int(r["version"]))):
        data.versions.setdefault(r["name"], []).append(
            ModelVersion(
                r["name"],
                int(r["version"]),
                r["run_id"],
                r["pipeline"],
                r["created_at"],
                r["stage"],
                codec.loads(r["metadata"]) or {},
            )
        )
    for r in sorted(rows.get("model_stage_changes", ()), key=lambda r: (r["name"], int(r["seq"]))):
        data.changes.setdefault(r["name"], []).append(
            StageChange(
                r["name"], int(r["version"]), r["from_stage"], r["to_stage"], r["who"], r["at"]
            )
        )
    return data
