"""What the configuration asks for, as the Resources state would record after an apply."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from stackctl.config.secrets import Secrets, digest_config
from stackctl.model import (
    DEFAULT_STACK,
    PipelineSpec,
    ProjectSpec,
    Resource,
    StackSpec,
    artifact_fields,
)


def desired_resources(spec: ProjectSpec, secrets: Secrets) -> dict[str, Resource]:
    """Components, stacks and pipelines keyed by address (secret leaves digested)."""
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
    for pipeline in spec.pipelines.values():
        resources[pipeline.address] = _pipeline(pipeline)
    return resources


def _stack(stack: StackSpec) -> Resource:
    deps = tuple(sorted(f"{t}.{n}" for t, n in stack.components.items()))
    config = {"components": dict(stack.components)}
    return Resource(stack.address, "stack", stack.name, None, config, {}, stack.lifecycle, deps)


def _pipeline(pipeline: PipelineSpec) -> Resource:
    steps = {
        s.name: {
            "function": s.function,
            "inputs": {k: str(v) for k, v in s.inputs.items()},
            "params": dict(s.params),
            "outputs": list(s.outputs),
            "retries": s.retries,
            "cache": s.cache,
            "cache_version": s.cache_version,
            **artifact_fields(s),
        }
        for s in pipeline.steps
    }
    config: dict[str, Any] = {"stack": pipeline.stack, "params": dict(pipeline.params)}
    if pipeline.source:  # a Python @pipeline function: where its steps come from
        config["source"] = pipeline.source
    config["steps"] = steps
    deps = (f"stack.{pipeline.stack}",) if pipeline.stack else ()
    return Resource(pipeline.address, "pipeline", pipeline.name, None, config, {}, depends_on=deps)


def protected(spec: ProjectSpec) -> set[str]:
    """The default stack and its components: always present, never destroyed."""
    stack = spec.stacks.get(DEFAULT_STACK)
    if stack is None:
        return set()
    return {stack.address, *(f"{t}.{n}" for t, n in stack.components.items())}


def config_digest(resources: Mapping[str, Resource]) -> str:
    """A digest of what is desired; a saved plan is stale once it changes."""
    h = hashlib.sha256()
    for address in sorted(resources):
        r = resources[address]
        row = [address, r.flavor, r.config, r.lifecycle.prevent_destroy, r.depends_on]
        h.update(json.dumps(row, sort_keys=True, default=str).encode())
        h.update(b"\n")
    return "sha256:" + h.hexdigest()
