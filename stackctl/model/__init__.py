"""The typed model of a stackctl project: frozen dataclasses, no I/O.

Config loading (``config/``) produces these; the engine, runtime, state stores and the
CLI consume them. Mappings inside are plain dicts by convention and must not be mutated.
One module per part of the model: components and stacks, secret references, pipelines
and steps, the project, plan/apply state, run records, and the model registry. Import
from ``stackctl.model``: where a class lives inside it may change.
"""

from __future__ import annotations

from stackctl.model.components import (
    COMPONENT_TYPES,
    DEFAULT_STACK,
    REQUIRED_COMPONENT_TYPES,
    ComponentSpec,
    Lifecycle,
    StackSpec,
    address,
)
from stackctl.model.pipelines import (
    ArtifactSelector,
    InputRef,
    NamedOutput,
    PipelineSpec,
    StepSpec,
    artifact_fields,
    hook_fields,
    placement_fields,
)
from stackctl.model.project import (
    ImportSpec,
    MovedBlock,
    ProjectSpec,
    RemovedBlock,
    StateConfig,
)
from stackctl.model.registry import (
    EXCLUSIVE_STAGES,
    MODEL_STAGES,
    Deployment,
    ModelDecl,
    ModelSummary,
    ModelVersion,
    StageChange,
)
from stackctl.model.runs import (
    ArtifactRecord,
    ArtifactVersion,
    MetadataCopy,
    MetadataEntry,
    Run,
    RunStatus,
    StepInput,
    StepRun,
    cache_source,
)
from stackctl.model.secrets import (
    SECRET_REF,
    SENSITIVE,
    redact,
    secret_names,
)
from stackctl.model.state import (
    Action,
    HistoryEntry,
    LockInfo,
    Resource,
    State,
)

__all__ = [
    "COMPONENT_TYPES",
    "DEFAULT_STACK",
    "EXCLUSIVE_STAGES",
    "MODEL_STAGES",
    "REQUIRED_COMPONENT_TYPES",
    "SECRET_REF",
    "SENSITIVE",
    "Action",
    "ArtifactRecord",
    "ArtifactSelector",
    "ArtifactVersion",
    "ComponentSpec",
    "Deployment",
    "HistoryEntry",
    "ImportSpec",
    "InputRef",
    "Lifecycle",
    "LockInfo",
    "MetadataCopy",
    "MetadataEntry",
    "ModelDecl",
    "ModelSummary",
    "ModelVersion",
    "MovedBlock",
    "NamedOutput",
    "PipelineSpec",
    "ProjectSpec",
    "RemovedBlock",
    "Resource",
    "Run",
    "RunStatus",
    "StackSpec",
    "StageChange",
    "State",
    "StateConfig",
    "StepInput",
    "StepRun",
    "StepSpec",
    "address",
    "artifact_fields",
    "cache_source",
    "hook_fields",
    "placement_fields",
    "redact",
    "secret_names",
]
