"""Can a stack's workers reach its artifact store? (checked by plan/apply per stack)

Workers share nothing but the artifact store, so an orchestrator whose workers may run on
other machines needs a store those machines reach. Orchestrator classes say they need
one with ``requires_shared_store(config) -> bool`` (the ``dask`` flavor with a remote
``address``); store classes say they are one with ``is_shared(config) -> bool`` (the
``s3``/``fsspec`` flavors) or a ``shared`` class attribute. Saying nothing means
"runs here" for an orchestrator and "local-only" for a store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackctl.components.registry import get_flavor
from stackctl.errors import PlanError
from stackctl.model import ComponentSpec, StackSpec


def needs_shared_store(orchestrator_cls: Any, config: Mapping[str, Any]) -> bool:
    """Whether the orchestrator's workers may run on other machines."""
    check = getattr(orchestrator_cls, "requires_shared_store", None)
    return bool(check(config)) if callable(check) else False


def store_is_shared(store_cls: Any, config: Mapping[str, Any]) -> bool:
    """Whether the artifact store is reachable from other machines."""
    is_shared = getattr(store_cls, "is_shared", None)
    if callable(is_shared):
        return bool(is_shared(config))
    return bool(getattr(store_cls, "shared", False))


def check_shared_store(stack: StackSpec, orchestrator: ComponentSpec, store: ComponentSpec) -> None:
    """PlanError when the stack's workers could not reach its artifact store."""
    # an orchestrator, or a step operator (its workers are elsewhere too)
    orchestrator_cls = get_flavor(orchestrator.type, orchestrator.flavor).load()
    if not needs_shared_store(orchestrator_cls, orchestrator.config):
        return
    store_cls = get_flavor("artifact_store", store.flavor).load()
    if store_is_shared(store_cls, store.config):
        return
    where = orchestrator.config.get("address") or "a remote cluster"
    raise PlanError(
        f"stack {stack.name!r} runs on {orchestrator.address} ({orchestrator.flavor} at "
        f"{where}), but its artifact store {store.address} ({store.flavor}) is local to "
        "this machine: workers elsewhere could not read or write the step artifacts",
        hint=f"give stack {stack.name!r} a shared artifact store (flavor s3, or fsspec on "
        "a remote protocol such as gcs://), or run on a LocalCluster (`address: null`)",
        location=stack.location,
    )
