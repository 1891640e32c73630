"""What the configuration asks for, as the Resources state would record after an apply."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from stackctl.config.secrets import Secrets, digest_config
from stackctl.model import DEFAULT_STACK, ProjectSpec, Resource, StackSpec


def desired_resources(spec: ProjectSpec, secrets: Secrets) -> dict[str, Resource]:
    """Components and stacks keyed by address (secret leaves digested).

    Pipelines are not resources: nothing exists for them until a run, and `stackctl run`
    uses the YAML as it is, so a plan listing them would promise an apply that changes
    nothing (docs/cli.md, "What plan and apply manage")."""
    resources: dict[str, Resource] = {}
    for comp in spec.components.values():
        resources[comp.address] = Resource(
            address=comp.address,
            type=comp.type,
            name=comp.name,
            flavor=comp.flavor,
            config=digest_config(dict(comp.config), secrets),
            lifecycle=comp.lifecycle,
        )
    for stack in spec.stacks.values():
        resources[stack.address] = _stack(stack)
    return resources


def _stack(stack: StackSpec) -> Resource:
    deps = tuple(sorted(f"{t}.{n}" for t, n in stack.components.items()))
    config = {"components": dict(stack.components)}
    return Resource(stack.address, "stack", stack.name, None, config, {}, stack.lifecycle, deps)


def protected(spec: ProjectSpec) -> set[str]:
    """The default stack and its components: always present, never destroyed."""
    stack = spec.stacks.get(DEFAULT_STACK)
    if stack is None:
        return set()
    return {stack.address, *(f"{t}.{n}" for t, n in stack.components.items())}


def config_digest(resources: Mapping[str, Resource], spec: ProjectSpec | None = None) -> str:
    """A digest of what is desired (and of the `moved:` / `removed:` blocks of ``spec``);
    a saved plan is stale once it changes."""
    h = hashlib.sha256()
    if spec is not None and (spec.moved or spec.removed):
        blocks = [[m.source, m.to] for m in spec.moved] + [
            [r.source, r.destroy] for r in spec.removed
        ]
        h.update(json.dumps(["refactors", blocks]).encode() + b"\n")
    for address in sorted(resources):
        r = resources[address]
        row = [address, r.flavor, r.config, r.lifecycle.prevent_destroy, r.depends_on]
        h.update(json.dumps(row, sort_keys=True, default=str).encode())
        h.update(b"\n")
    return "sha256:" + h.hexdigest()
