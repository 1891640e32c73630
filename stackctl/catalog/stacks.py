"""Register, delete and activate stacks.

A new stack goes to the first stack file that already declares stacks, else the file
declaring its orchestrator (or another of its components), else the first stack file,
else a new `stacks/stacks.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping

from stackctl.catalog.components import check_name
from stackctl.catalog.files import Edit, Outcome
from stackctl.catalog.views import applied_addresses
from stackctl.errors import NotFoundError, StackctlError
from stackctl.model import COMPONENT_TYPES, DEFAULT_STACK, REQUIRED_COMPONENT_TYPES, address
from stackctl.project import Project


def register_stack(project: Project, name: str, components: Mapping[str, str]) -> Outcome:
    """Declare stack ``name`` from existing components (type -> component name)."""
    check_name(name, "stack")
    edit = Edit(project)
    spec = edit.spec
    if name in spec.stacks:
        where = spec.stacks[name].location
        raise StackctlError(
            f"stack {name!r} is already declared" + (f" at {where}" if where else " (built in)"),
            hint="pick another name, or `stackctl stack delete` the old one first",
        )
    for required in REQUIRED_COMPONENT_TYPES:
        if not components.get(required):
            flag = "-o ORCHESTRATOR" if required == "orchestrator" else "-a ARTIFACT_STORE"
            raise StackctlError(
                f"a stack needs an {required.replace('_', ' ')}", hint=f"pass {flag}"
            )
    ordered = {t: components[t] for t in COMPONENT_TYPES if components.get(t)}
    for type_, comp in ordered.items():
        if address(type_, comp) not in spec.components:
            from stackctl.config.schema import closest

            names = sorted(c.name for c in spec.components.values() if c.type == type_)
            cli = type_.replace("_", "-")
            raise NotFoundError(
                f"{type_} {comp!r} is not declared",
                hint=closest(comp, names)
                or f"declared {type_}s: {', '.join(names) or 'none'}; "
                f"add one with `stackctl {cli} register {comp} --flavor ...`",
            )
    declaring = [
        c.location.file
        for t, n in ordered.items()
        if (c := spec.components[address(t, n)]).location is not None
    ]
    rel = edit.first_file(
        lambda f: f.has("stacks"), lambda f: f.display in declaring, lambda f: True
    ) or edit.new_file("stacks")
    edit.open(rel).add_stack(name, ordered)
    edit.commit()
    return Outcome(
        f"Registered stack {name!r} in {rel}.",
        (rel,),
        next_steps=("stackctl plan", "stackctl apply", f"stackctl stack set {name}"),
    )


def delete_stack(project: Project, name: str) -> Outcome:
    """Remove a stack's declaration (its components stay); plan/apply then destroys it."""
    if name == DEFAULT_STACK:
        raise StackctlError(
            "the default stack always exists and cannot be deleted",
            hint="delete or stop using another stack instead",
        )
    edit = Edit(project)
    declared = project.stack(name)
    users = sorted(p.name for p in edit.spec.pipelines.values() if p.stack == name)
    if users:
        raise StackctlError(
            f"stack {name!r} is pinned by pipeline{'s' if len(users) > 1 else ''} "
            f"{', '.join(repr(u) for u in users)}",
            hint="change their `stack:` first",
        )
    assert declared.location is not None  # only the built-in default has none
    rel = declared.location.file
    edit.open(rel).remove_stack(name)
    edit.commit()
    warnings: tuple[str, ...] = ()
    if project.active_stack() == name:
        warnings = (
            f"{name!r} is the active stack of this checkout; "
            f"choose another with `stackctl stack set NAME`",
        )
    return Outcome(f"Deleted stack {name!r} from {rel}.", (rel,), warnings)


def set_active(project: Project, name: str) -> Outcome:
    """Make ``name`` the active stack of this checkout: it must be declared and applied."""
    project.stack(name)
    if name != DEFAULT_STACK and address("stack", name) not in applied_addresses(project):
        raise NotFoundError(
            f"stack {name!r} is declared but not applied yet",
            hint="run `stackctl plan` and `stackctl apply` to create it, "
            f"then `stackctl stack set {name}`",
        )
    project.set_active_stack(name)
    return Outcome(f"Active stack: {name!r} (this checkout).", (), next_steps=())
