"""Components and stacks as declared: the component types stackctl knows, a
component (`components.<type>.<name>`) and a stack (one component per type)."""

from __future__ import annotations

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
