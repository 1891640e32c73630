"""The typed model of a stackctl project: frozen dataclasses, no I/O.

Config loading (``config/``) produces these; the engine, runtime, state stores and the
CLI consume them. Mappings inside are plain dicts by convention and must not be mutated.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from stackctl.errors import Location
from stackctl.frozen import frozen

#: Every component type stackctl knows, in the order stacks list them (ZenML's vocabulary).
COMPONENT_TYPES: tuple[str, ...] = (
    "orchestrator",
    "artifact_store",
    "experiment_tracker",
    "model_registry",
    "alerter",
    "step_operator",
    "container_registry",
    "model_deployer",
    "feature_store",
    "data_validator",
    "image_builder",
    "annotator",
)
#: A stack without these cannot run a pipeline.
REQUIRED_COMPONENT_TYPES: tuple[str, ...] = ("orchestrator", "artifact_store")

DEFAULT_STACK = "default"
SENSITIVE = "(sensitive)"

# `${secret:NAME}` survives config resolution as literal text; it is resolved only at
# apply/run time (see stackctl.secrets) and redacted everywhere else.
SECRET_REF = re.compile(r"\$\{secret:([A-Za-z_][A-Za-z0-9_.-]*)\}")


def secret_names(value: Any) -> list[str]:
    """Names of every `${secret:NAME}` reference inside a (nested) config value."""
    found: list[str] = []
    if isinstance(value, str):
        found.extend(SECRET_REF.findall(value))
    elif isinstance(value, Mapping):
        for item in value.values():
            found.extend(secret_names(item))
    elif isinstance(value, list | tuple):
        for item in value:
            found.extend(secret_names(item))
    return found


def redact(value: Any) -> Any:
    """A copy of a config value with every secret-bearing leaf replaced by `(sensitive)`."""
    if isinstance(value, str):
        return SENSITIVE if SECRET_REF.search(value) else value
    if isinstance(value, Mapping):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def address(kind: str, name: str) -> str:
    """Resource address such as `orchestrator.local`, `stack.dev`, `pipeline.training`."""
    return f"{kind}.{name}"


@frozen
class Lifecycle:
    prevent_destroy: bool = False


@frozen
class ComponentSpec:
    """A declared component: `components.<type>.<name>` in a stack file."""

    type: str
    name: str
    flavor: str
    config: Mapping[str, Any] = field(default_factory=dict)
    lifecycle: Lifecycle = Lifecycle()
    location: Location | None = field(default=None, compare=False)

    @property
    def address(self) -> str:
        return address(self.type, self.name)


@frozen
class StackSpec:
    """A declared stack: one component name per component type it uses."""

    name: str
    components: Mapping[str, str]  # component type -> component name
    lifecycle: Lifecycle = Lifecycle()
    location: Location | None = field(default=None, compare=False)

    @property
    def address(self) -> str:
        return address("stack", self.name)

    @property
    def orchestrator(self) -> str:
        return self.components["orchestrator"]

    @property
    def artifact_store(self) -> str:
        return self.components["artifact_store"]


@frozen
class InputRef:
    """`<step>.<output>` wiring one step's output into another step's input."""

    step: str
    output: str

    def __str__(self) -> str:
        return f"{self.step}.{self.output}"


@frozen
class ArtifactSelector:
    """``NAME[:VERSION|TAG]``: one version of a named artifact, chosen by number, by tag
    or ``latest`` (resolved against state when a step or a command needs it)."""

    name: str
    version: str = "latest"  # "latest", a version number ("3") or a tag

    def __str__(self) -> str:
        return f"{self.name}:{self.version}"


@frozen
class NamedOutput:
    """A step output published as a named artifact: each run adds a version."""

    name: str
    tags: tuple[str, ...] = ()


@frozen
class StepSpec:
    name: str
    function: str  # "package.module:function"
    inputs: Mapping[str, InputRef] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    outputs: tuple[str, ...] = ("output",)
    retries: int = 0
    cache: bool = True
    cache_version: str = ""
    location: Location | None = field(default=None, compare=False)
    #: output name -> the named artifact it publishes (issue 11)
    named: Mapping[str, NamedOutput] = field(default_factory=dict)
    #: argument -> a named artifact version from outside the pipeline
    artifact_inputs: Mapping[str, ArtifactSelector] = field(default_factory=dict)
    #: hooks run after the step's last attempt: "alerter" or MODULE:FUNCTION (docs/hooks.md)
    on_failure: tuple[str, ...] = ()
    on_success: tuple[str, ...] = ()
    #: name of the stack's step operator that runs this step elsewhere (issue 15)
    step_operator: str | None = None
    #: what the step needs where it runs: cpu, gpu (counts), memory (MB), or custom names
    resources: Mapping[str, float] = field(default_factory=dict)

    @property
    def upstream(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref.step for ref in self.inputs.values()))


def artifact_fields(step: StepSpec) -> dict[str, Any]:
    """A step's named outputs and artifact inputs as JSON, only when it has some (so the
    version of a pipeline without them stays what it was before they existed)."""
    fields: dict[str, Any] = {}
    if step.named:
        fields["named"] = {o: {"name": n.name, "tags": list(n.tags)} for o, n in step.named.items()}
    if step.artifact_inputs:
        fields["artifact_inputs"] = {a: str(s) for a, s in step.artifact_inputs.items()}
    fields.update(hook_fields(step))
    return fields


def hook_fields(spec: StepSpec | PipelineSpec) -> dict[str, Any]:
    """A step's or pipeline's hooks as JSON, only when it has some (same reason)."""
    fields: dict[str, Any] = {}
    if spec.on_failure:
        fields["on_failure"] = list(spec.on_failure)
    if spec.on_success:
        fields["on_success"] = list(spec.on_success)
    return fields


def placement_fields(step: StepSpec) -> dict[str, Any]:
    """Where a step runs and what it needs, as JSON, only when set (a pipeline version
    without them stays what it was). Not part of the cache key: where a step ran does
    not change its outputs."""
    fields: dict[str, Any] = {}
    if step.step_operator:
        fields["step_operator"] = step.step_operator
    if step.resources:
        fields["resources"] = dict(step.resources)
    return fields


@frozen
class PipelineSpec:
    name: str
    steps: tuple[StepSpec, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    stack: str | None = None
    location: Location | None = field(default=None, compare=False)
    #: MODULE:FUNCTION of the @pipeline function it was compiled from (YAML `source:`)
    source: str | None = None
    #: `model:` — each completed run makes a version of this model (docs/models.md)
    model: ModelDecl | None = None
    #: hooks run once when the run ends (docs/hooks.md)
    on_failure: tuple[str, ...] = ()
    on_success: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return address("pipeline", self.name)

    def step(self, name: str) -> StepSpec:
        for candidate in self.steps:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


@frozen
class StateConfig:
    backend: str = "sqlite"  # sqlite | postgres | memory
    path: str = ".stackctl/state.db"
    url: str | None = None
    schema: str | None = None  # postgres: the schema holding the state (an environment's)


@frozen
class MovedBlock:
    """`moved: [{from: OLD, to: NEW}]`: state's OLD is NEW now (Terraform 1.1 `moved`)."""

    source: str  # the `from` address
    to: str
    location: Location | None = field(default=None, compare=False)


@frozen
class RemovedBlock:
    """`removed: [{from: ADDR, lifecycle: {destroy: false}}]` (Terraform 1.7 `removed`):
    with ``destroy`` False the resource is forgotten by state, not destroyed."""

    source: str  # the `from` address
    destroy: bool = True
    location: Location | None = field(default=None, compare=False)


@frozen
class ImportSpec:
    """An ``import: [{to: ADDR, id: ID}]`` block: adopt ID as ADDR in the next apply."""

    to: str
    id: str
    location: Location | None = None


@frozen
class ProjectSpec:
    """Everything declared by a project, resolved and validated."""

    name: str
    root: str
    state: StateConfig
    vars: Mapping[str, Any]
    components: Mapping[str, ComponentSpec]  # keyed by address
    stacks: Mapping[str, StackSpec]  # keyed by stack name
    pipelines: Mapping[str, PipelineSpec]  # keyed by pipeline name
    files: tuple[str, ...] = ()  # every file read, relative to root
    moved: tuple[MovedBlock, ...] = ()  # `moved:` blocks of every file (engine/moves.py)
    removed: tuple[RemovedBlock, ...] = ()  # `removed:` blocks of every file
    imports: tuple[ImportSpec, ...] = ()  # `import:` blocks (engine/imports.py)

    def component(self, type_: str, name: str) -> ComponentSpec:
        return self.components[address(type_, name)]

    def stack_components(self, stack: str) -> dict[str, ComponentSpec]:
        spec = self.stacks[stack]
        return {t: self.component(t, n) for t, n in spec.components.items()}


class Action(enum.Enum):
    """A planned change; the value is the symbol the plan shows (as Terraform does)."""

    NOOP = " "
    CREATE = "+"
    UPDATE = "~"
    REPLACE = "-/+"
    DELETE = "-"
    READ = "<="
    FORGET = "."  # `removed:` with destroy false: state forgets it, reality keeps it

    @property
    def json_actions(self) -> list[str]:
        return {
            Action.NOOP: ["no-op"],
            Action.CREATE: ["create"],
            Action.UPDATE: ["update"],
            Action.REPLACE: ["delete", "create"],
            Action.DELETE: ["delete"],
            Action.READ: ["read"],
            Action.FORGET: ["forget"],
        }[self]


@frozen
class Resource:
    """One resource as recorded in state."""

    address: str
    type: str  # component type, "stack" or "pipeline"
    name: str
    flavor: str | None
    config: Mapping[str, Any]  # secrets replaced by digests
    outputs: Mapping[str, Any] = field(default_factory=dict)
    lifecycle: Lifecycle = Lifecycle()
    depends_on: tuple[str, ...] = ()


@frozen
class State:
    """A snapshot of a state store: lineage never changes, serial grows with each commit."""

    lineage: str
    serial: int
    resources: Mapping[str, Resource]  # keyed by address


@frozen
class HistoryEntry:
    """One committed apply (or state edit) in the state's history."""

    serial: int
    at: str  # ISO-8601 UTC
    who: str
    operation: str  # apply | destroy | state rm | state restore | import ...
    summary: str
    changes: tuple[Mapping[str, Any], ...] = ()


@frozen
class LockInfo:
    """Who holds the state's write lock."""

    id: str
    who: str  # user@host
    pid: int
    operation: str
    since: str  # ISO-8601 UTC
    context: str = ""  # e.g. $CI_JOB_URL
    host: str = ""  # where ``pid`` lives; a dead pid on our own host means a stale lock
    stale: bool = field(default=False, compare=False)  # the holder is known to be gone

    def describe(self) -> str:
        """`alice@ci-7 (pid 4242) running 'apply' since 2026-01-01T10:00:00Z`."""
        since = f"{self.since[:19]}Z" if len(self.since) > 20 else self.since  # no µs
        text = f"{self.who} (pid {self.pid}) running '{self.operation}' since {since}"
        if self.context:
            text += f" [{self.context}]"
        return text + (" (stale: holder is gone)" if self.stale else "")


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # step-only statuses
    PENDING = "pending"
    CACHED = "cached"
    SKIPPED = "skipped"


@frozen
class ArtifactRecord:
    run_id: str
    step: str
    name: str  # output name
    uri: str
    digest: str  # sha256 of the stored bytes
    size: int
    materializer: str
    type: str  # qualified Python type name
    producer_run_id: str = ""  # the run whose step wrote it (differs from run_id on a cache hit)
    preview: str = ""  # short description computed by the worker (runtime.previews)


@frozen
class StepRun:
    run_id: str
    step: str
    status: RunStatus
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float | None = None
    attempts: int = 0
    cache_key: str = ""
    cache_parts: Mapping[str, str] = field(default_factory=dict)
    cached_from: str = ""  # "run_id/step" of the producer on a cache hit
    error: str = ""
    log_uri: str = ""


def cache_source(run_id: str, step: str, cached_from: str) -> str:
    """Where step ``step`` of run ``run_id`` came from (``cached_from``: the producer's
    ``run_id/step``), as the CLI and the SDK's progress lines say it: the run (short id),
    and the step when it is another one (a step of this run with the same key, or a
    renamed step); "" for a step that was not a hit."""
    if not cached_from:
        return ""
    producer_run, _, producer = cached_from.partition("/")
    if producer_run == run_id:
        return f"step {producer} (this run)"
    return producer_run[:8] + (f"/{producer}" if producer and producer != step else "")


@frozen
class Run:
    id: str
    pipeline: str
    stack: str
    status: RunStatus
    started_at: str
    finished_at: str | None = None
    stack_snapshot: Mapping[str, Any] = field(default_factory=dict)  # redacted, resolved
    pipeline_version: str = ""  # digest of the compiled PipelineSpec
    params: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. mlflow run ids, pid, host


@frozen
class ArtifactVersion:
    """One version of a named artifact: which run and step produced which object."""

    name: str
    version: int
    run_id: str  # the run that published this version
    step: str
    output: str
    uri: str
    digest: str
    size: int
    materializer: str
    type: str
    producer_run_id: str  # the run whose step wrote the object (differs on a cache hit)
    created_at: str
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name}:{self.version}"


@frozen
class MetadataEntry:
    """One logged key: ``scope`` is run, step or artifact; ``step`` is the step that
    logged it (for run scope too), ``output`` the output it describes (artifact scope)."""

    run_id: str
    scope: str  # "run" | "step" | "artifact"
    step: str
    output: str
    key: str
    value: Any


@frozen
class MetadataCopy:
    """Every key the producer step logged (any scope), copied to ``step`` of ``run_id``:
    a cache hit's metadata, copied inside the database when it is recorded."""

    run_id: str
    step: str
    producer_run: str
    producer_step: str


@frozen
class StepInput:
    """What one step of one run consumed: the artifact, and the named version if any."""

    run_id: str
    step: str
    arg: str
    source_run_id: str  # the artifact record it read: (run, step, output)
    source_step: str
    source_output: str
    uri: str
    digest: str
    artifact: str = ""  # the named artifact when the input was one (YAML `artifact:`)
    version: int = 0


# -- models (docs/models.md) ---------------------------------------------------------------

#: The stages a model version can be promoted to; staging and production hold one
#: version at a time, archived any number.
MODEL_STAGES: tuple[str, ...] = ("staging", "production", "archived")
EXCLUSIVE_STAGES: tuple[str, ...] = ("staging", "production")


@frozen
class ModelDecl:
    """A pipeline's `model:` declaration (YAML, or ``@pipeline(model=...)``)."""

    name: str
    description: str = ""
    tags: tuple[str, ...] = ()


@frozen
class ModelVersion:
    """Version N of a model: made by one completed run of a pipeline declaring it."""

    model: str
    version: int
    run_id: str
    pipeline: str
    created_at: str
    stage: str = ""  # "" (none), or one of MODEL_STAGES
    metadata: Mapping[str, Any] = field(default_factory=dict)


@frozen
class ModelSummary:
    """One registered model with its latest version and who holds each stage."""

    name: str
    description: str
    tags: tuple[str, ...]
    created_at: str
    latest: int
    stages: Mapping[str, int] = field(default_factory=dict)  # stage -> version


@frozen
class StageChange:
    """One version moving between stages (``from_stage`` "" = it had none)."""

    model: str
    version: int
    from_stage: str
    to_stage: str
    who: str
    at: str


@frozen
class Deployment:
    """A model version served by a model deployer as a local process (``model deploy``).

    ``host`` is the machine that started it (a pid means something only there); the
    server listens on ``url``. Recorded in state when it answers, removed by undeploy.
    """

    deployer: str  # the model_deployer component's name
    model: str
    version: int
    url: str  # http://127.0.0.1:PORT
    port: int
    pid: int  # the leader of the server's process group
    host: str
    started_at: str
    command: tuple[str, ...]
    log: str  # the server's log, relative to the project root
    model_uri: str = ""  # what the server loads (an MLflow model folder)
