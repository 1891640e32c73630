"""Import: adopt what already exists into state (Terraform's ``import``), so the next
plan is a no-op instead of a create.

Two ways in: ``stackctl import ADDR ID`` (at once, under the lock, one commit whose
history entry is "import") and ``import: [{to: ADDR, id: ID}]`` blocks in the config
(reviewed in a plan: a create of a declared address becomes "will be imported", and
apply adopts instead of creating). Either way the address must be declared in the
config, and the flavor's provisioner (``components.provisioner.Adopter``) checks that
ID exists and is what the config declares; nothing real is ever changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from stackctl.config.secrets import Secrets, reveal
from stackctl.engine.changes import Plan
from stackctl.engine.flavors import provisioner
from stackctl.errors import NotFoundError, PlanError, ProvisionError, StackctlError
from stackctl.model import Action, ImportSpec, Resource, State
from stackctl.state.base import StateStore

OPERATION = "import"


def _declared(desired: Mapping[str, Resource], address: str) -> Resource:
    if address in desired:
        return desired[address]
    from stackctl.config.schema import closest

    raise NotFoundError(
        f"{address} is not declared in the config: import adopts a declared resource",
        hint=closest(address, sorted(desired))
        or "declare it first (e.g. `stackctl artifact-store register NAME --flavor ...`), "
        "then import it",
    )


def adopter(resource: Resource) -> Callable[..., Mapping[str, Any]]:
    """The flavor's ``adopt`` hook; PlanError when the flavor has nothing to adopt."""
    hook = getattr(provisioner(resource.type, resource.flavor), "adopt", None)
    if hook is None:
        what = f"flavor {resource.flavor}" if resource.flavor else f"a {resource.type}"
        raise PlanError(
            f"{resource.address} ({what}) has nothing real to import",
            hint="`stackctl apply` records it in state; import is for artifact stores, "
            "buckets, tracking stores and schedulers that already exist",
        )
    return hook  # type: ignore[no-any-return]


def adopt(resource: Resource, id: str, root: Path, secrets: Secrets) -> Resource:
    """``resource`` with the outputs of the real thing ``id`` (ProvisionError when ``id``
    does not exist or is not what the config declares)."""
    hook = adopter(resource)
    config = reveal(resource.config, secrets, resource.address)
    try:
        outputs = hook(config, id, root)
    except StackctlError as exc:  # name the address: the flavor's words do not
        raise ProvisionError(f"{resource.address}: {exc.message}", hint=exc.hint) from None
    except Exception as exc:
        raise ProvisionError(
            f"importing {resource.address} from {id!r} failed: {type(exc).__name__}: {exc}",
            hint="check that it exists and is reachable, then import again",
        ) from None
    return replace(resource, outputs=dict(outputs or {}))


def check_not_in_state(state: State, address: str) -> None:
    if address in state.resources:
        raise PlanError(
            f"{address} is already in state: import adopts only what state does not manage",
            hint=f"to adopt something else under that address, forget the current record "
            f"first: `stackctl state rm {address}`, then import again",
        )


def import_resource(
    store: StateStore,
    desired: Mapping[str, Resource],
    address: str,
    id: str,
    *,
    root: Path,
    secrets: Secrets,
    lock_timeout: float = 0.0,
) -> tuple[Resource, State]:
    """Check, adopt and commit one resource under the lock: (the record, the new state)."""
    resource = _declared(desired, address)
    adopter(resource)  # a stack or pipeline: refused before taking the lock
    with store.lock(OPERATION, lock_timeout) as lock:
        check_not_in_state(store.read(), address)
        adopted = adopt(resource, id, root, secrets)
        state = store.commit(
            upserts=[adopted],
            operation=OPERATION,
            who=lock.who,
            summary=f"imported {address} from {id}",
            changes=[{"address": address, "action": ["import"], "id": id}],
        )
    return adopted, state


def imports_digest(digest: str, imports: Sequence[ImportSpec]) -> str:
    """The config digest with the ``import:`` blocks folded in (unchanged without any,
    so plans saved before imports existed stay fresh)."""
    if not imports:
        return digest
    import hashlib

    text = "\0".join([digest, *(f"{i.to}\0{i.id}" for i in imports)])
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def with_imports(
    plan: Plan, imports: Sequence[ImportSpec], desired: Mapping[str, Resource], state: State
) -> Plan:
    """The plan with each create that an ``import:`` block names turned into an import.

    A block whose address is already in state is done (Terraform: imports are
    idempotent), so it changes nothing; one naming an undeclared address is an error.
    """
    if not imports:
        return plan
    ids: dict[str, str] = {}
    for spec in imports:
        try:
            _declared(desired, spec.to)
        except NotFoundError as exc:
            raise NotFoundError(exc.message, hint=exc.hint, location=spec.location) from None
        ids[spec.to] = spec.id
    changes = tuple(
        replace(c, importing=ids[c.address], reason=f"import block: adopts {ids[c.address]}")
        if c.address in ids and c.action is Action.CREATE and c.address not in state.resources
        else c
        for c in plan.changes
    )
    return replace(plan, changes=changes)


def verify_imports(plan: Plan, imports: Sequence[ImportSpec], root: Path, secrets: Secrets) -> Plan:
    """Ask each import's provisioner now (read-only), so a wrong or missing ID fails the
    plan a reviewer reads (at the block's file:line:col) rather than the apply."""
    where = {i.to: i.location for i in imports}
    changes = []
    for c in plan.changes:
        if c.importing is not None and c.after is not None:
            try:
                c = replace(c, after=adopt(c.after, c.importing, root, secrets))
            except StackctlError as exc:
                raise ProvisionError(
                    f"import block: {exc.message}", hint=exc.hint, location=where.get(c.address)
                ) from None
        changes.append(c)
    return replace(plan, changes=tuple(changes))
