"""Pipelines and their steps as declared (YAML or ``@pipeline``), compiled into specs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from stackctl.errors import Location
from stackctl.frozen import frozen
from stackctl.model.components import address
from stackctl.model.registry import ModelDecl


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
