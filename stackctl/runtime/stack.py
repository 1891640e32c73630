"""The active stack: a declared stack's components, instantiated for a run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.components.orchestrators.base import Orchestrator
from stackctl.components.registry import get_flavor
from stackctl.errors import StackctlError
from stackctl.frozen import frozen
from stackctl.model import REQUIRED_COMPONENT_TYPES, ComponentSpec, StackSpec, redact

if TYPE_CHECKING:  # an annotation: most stacks have no tracker, and a run need not load it
    from stackctl.components.experiment_trackers.base import ExperimentTracker

#: Turns a config with ``${secret:NAME}`` references into one with the values.
SecretResolver = Callable[[Mapping[str, Any]], Mapping[str, Any]]


@frozen
class ActiveStack:
    """Instantiated components plus a redacted snapshot for the run record."""

    name: str
    orchestrator: Orchestrator
    artifact_store: ArtifactStore
    experiment_tracker: ExperimentTracker | None
    components: Mapping[str, Any]  # component type -> instance
    snapshot: Mapping[str, Any]  # {"name", "components": {type: {name, flavor, config}}}


def build_stack(
    stack: StackSpec,
    components: Mapping[str, ComponentSpec],
    root: Path,
    resolve_secrets: SecretResolver | None = None,
) -> ActiveStack:
    """Instantiate each component as ``Cls(name, config, root)`` through the flavor
    registry; ``components`` maps component type to its spec (ProjectSpec.stack_components)."""
    missing = [t for t in REQUIRED_COMPONENT_TYPES if t not in components]
    if missing:
        raise StackctlError(
            f"stack {stack.name!r} has no {' or '.join(missing)}",
            location=stack.location,
            hint=f"add one: `stackctl stack register {stack.name} -o ORCH -a STORE`",
        )
    instances: dict[str, Any] = {}
    for type_, spec in components.items():
        config = resolve_secrets(spec.config) if resolve_secrets else spec.config
        instances[type_] = get_flavor(type_, spec.flavor).load()(spec.name, config, root)
    snapshot = {
        "name": stack.name,
        "components": {
            t: {"name": s.name, "flavor": s.flavor, "config": redact(dict(s.config))}
            for t, s in components.items()
        },
    }
    return ActiveStack(
        name=stack.name,
        orchestrator=instances["orchestrator"],
        artifact_store=instances["artifact_store"],
        experiment_tracker=instances.get("experiment_tracker"),
        components=instances,
        snapshot=snapshot,
    )
