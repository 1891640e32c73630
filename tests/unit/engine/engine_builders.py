"""Builders for engine tests: resources, states and a recording provisioner."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stackctl.components.provisioner import Observation
from stackctl.model import Lifecycle, Resource, State


def res(
    address: str,
    flavor: str | None = "local",
    config: Mapping[str, Any] | None = None,
    *,
    deps: tuple[str, ...] = (),
    prevent: bool = False,
    outputs: Mapping[str, Any] | None = None,
) -> Resource:
    type_, _, name = address.partition(".")
    if type_ in ("stack", "pipeline"):
        flavor = None
    return Resource(
        address,
        type_,
        name,
        flavor,
        dict(config or {}),
        dict(outputs or {}),
        Lifecycle(prevent),
        deps,
    )


def state(*resources: Resource, serial: int = 1, lineage: str = "L") -> State:
    return State(lineage, serial, {r.address: r for r in resources})


def stack(name: str, orch: str = "local", store: str = "local", **kw: Any) -> Resource:
    return res(
        f"stack.{name}",
        config={"components": {"artifact_store": store, "orchestrator": orch}},
        deps=(f"artifact_store.{store}", f"orchestrator.{orch}"),
        **kw,
    )


class Recorder:
    """A provisioner that records calls; ``fail_on`` makes create raise for a path."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail_on = fail_on
        self.gone: set[str] = set()

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        if config.get("path") == self.fail_on:
            raise OSError("disk on fire")
        self.calls.append(("create", dict(config)))
        return {"made": config.get("path")}

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        self.calls.append(("update", dict(new)))
        return {"made": new.get("path")}

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        if config.get("path") in self.gone:
            return Observation(False, detail=f"directory {config.get('path')} is missing")
        return Observation(True)

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        self.calls.append(("delete", dict(config)))
