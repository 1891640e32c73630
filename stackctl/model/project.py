"""A project: everything its files declare, resolved and validated, with where its
state lives and its `moved:`, `removed:` and `import:` blocks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from stackctl.errors import Location
from stackctl.frozen import frozen
from stackctl.model.components import ComponentSpec, StackSpec, address
from stackctl.model.pipelines import PipelineSpec


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
