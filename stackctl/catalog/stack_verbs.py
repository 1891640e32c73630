"""ZenML's stack verbs past register/delete: `stack update`, `stack copy`,
`stack remove-component` and `component copy` (renames are `stack rename` /
`component rename`, which also write a `moved:` block).

Each edits the declaring YAML file in place (comments kept, ``config.edit``), and the
whole project is validated before anything is written (``catalog.files.Edit``); the
change reaches state through `stackctl plan` / `stackctl apply`.
"""

from __future__ import annotations

from collections.abc import Mapping

from stackctl.catalog.components import check_name, component_file
from stackctl.catalog.files import Edit, Outcome
from stackctl.catalog.views import component
from stackctl.errors import NotFoundError, StackctlError
from stackctl.model import COMPONENT_TYPES, DEFAULT_STACK, REQUIRED_COMPONENT_TYPES, address
from stackctl.project import Project


def _declared_stack(project: Project, name: str, verb: str) -> str:
    """The file declaring stack ``name`` (the built-in default cannot be edited)."""
    stack = project.stack(name)  # NotFoundError with a did-you-mean
    if stack.location is None:
        raise StackctlError(
            f"the {DEFAULT_STACK} stack is built in and cannot be {verb}",
            hint=f"copy it and change the copy: `stackctl stack copy {DEFAULT_STACK} NEW_NAME`",
        )
    return stack.location.file


def _check_components(edit: Edit, components: Mapping[str, str]) -> None:
    from stackctl.config.schema import closest

    for type_, comp in components.items():
        if address(type_, comp) in edit.spec.components:
            continue
        names = sorted(c.name for c in edit.spec.components.values() if c.type == type_)
        raise NotFoundError(
            f"{type_} {comp!r} is not declared",
            hint=closest(comp, names)
            or f"declared {type_}s: {', '.join(names) or 'none'}; add one with "
            f"`stackctl {type_.replace('_', '-')} register {comp} --flavor ...`",
        )


def update_stack(project: Project, name: str, components: Mapping[str, str]) -> Outcome:
    """Replace (or add) the stack's components of the given types."""
    if not components:
        raise StackctlError(
            f"nothing to update in stack {name!r}",
            hint="name the new components, e.g. `stackctl stack update "
            f"{name} -o ORCHESTRATOR -a ARTIFACT_STORE -e TRACKER`",
        )
    edit = Edit(project)
    rel = _declared_stack(project, name, "updated")
    _check_components(edit, components)
    ordered = {t: components[t] for t in COMPONENT_TYPES if t in components}
    edit.open(rel).update_stack(name, ordered)
    if not edit.changes():
        return Outcome(f"Stack {name!r} already uses these components; nothing to change.", ())
    edit.commit()
    what = ", ".join(f"{t} {c!r}" for t, c in ordered.items())
    return Outcome(f"Updated stack {name!r} in {rel}: {what}.", (rel,))


def remove_components(project: Project, name: str, types: tuple[str, ...]) -> Outcome:
    """Take optional components out of a stack (the components stay declared)."""
    if not types:
        optional = [t for t in COMPONENT_TYPES if t not in REQUIRED_COMPONENT_TYPES]
        raise StackctlError(
            f"nothing to remove from stack {name!r}",
            hint="name the component types, e.g. --"
            + " / --".join(t.replace("_", "-") for t in optional[:3]),
        )
    required = [t for t in types if t in REQUIRED_COMPONENT_TYPES]
    if required:
        raise StackctlError(
            f"a stack needs its {required[0].replace('_', ' ')}: it cannot be removed",
            hint=f"replace it instead: `stackctl stack update {name} "
            f"{'-o' if required[0] == 'orchestrator' else '-a'} OTHER`",
        )
    edit = Edit(project)
    rel = _declared_stack(project, name, "changed")
    declared = project.stack(name).components
    absent = [t for t in types if t not in declared]
    if absent:
        raise StackctlError(
            f"stack {name!r} has no {absent[0].replace('_', ' ')} to remove",
            hint=f"its components: {', '.join(f'{t} {c!r}' for t, c in declared.items())}",
        )
    edit.open(rel).update_stack(name, {}, unset=types)
    edit.commit()
    what = ", ".join(f"{t} {declared[t]!r}" for t in types)
    return Outcome(f"Removed {what} from stack {name!r} in {rel}.", (rel,))


def copy_stack(project: Project, src: str, dst: str) -> Outcome:
    """Declare ``dst`` with everything ``src`` declares, next to it (or where a new
    stack goes, for the built-in default)."""
    from stackctl.catalog.stacks import register_stack

    check_name(dst, "stack")
    source = project.stack(src)
    if source.location is None:  # built in: it is only its components
        outcome = register_stack(project, dst, dict(source.components))
        return Outcome(
            outcome.summary.replace(
                f"Registered stack {dst!r}", f"Copied stack {src!r} to {dst!r}"
            ),
            outcome.files,
            next_steps=outcome.next_steps,
        )
    edit = Edit(project)
    _check_free(edit, "stack", dst)
    rel = source.location.file
    stack_file = edit.open(rel)
    stack_file.add_stack(dst, stack_file.get("stacks", src))
    edit.commit()
    return Outcome(
        f"Copied stack {src!r} to {dst!r} in {rel}.",
        (rel,),
        next_steps=("stackctl plan", "stackctl apply", f"stackctl stack set {dst}"),
    )


def copy_component(project: Project, type_: str, src: str, dst: str) -> Outcome:
    """Declare ``dst`` with the flavor and config ``src`` declares (a built-in one: its
    resolved config), in the same file."""
    check_name(dst, type_)
    edit = Edit(project)
    current = component(project, type_, src)
    _check_free(edit, type_, dst)
    if current.location is None:
        rel = component_file(edit, type_)
        body: dict[str, object] = {"flavor": current.flavor}
        if current.config:
            body["config"] = dict(current.config)
    else:
        rel = current.location.file
        body = edit.open(rel).get("components", type_, src)
    edit.open(rel).add_component(type_, dst, body)
    edit.commit()
    warnings: tuple[str, ...] = ()
    shared = [k for k in ("path", "uri") if k in (current.config or {})]
    if type_ == "artifact_store" and shared:
        cli = f"stackctl artifact-store update {dst} --{shared[0]} NEW"
        warnings = (
            f"{dst!r} has the same {shared[0]} as {src!r}: both stores share their "
            f"artifacts (and cache hits) until you change it: `{cli}`",
        )
    return Outcome(f"Copied {type_} {src!r} to {dst!r} in {rel}.", (rel,), warnings)


def _check_free(edit: Edit, type_: str, name: str) -> None:
    existing = (
        edit.spec.stacks.get(name)
        if type_ == "stack"
        else edit.spec.components.get(address(type_, name))
    )
    if existing is not None:
        where = f" at {existing.location}" if existing.location else " (built in)"
        raise StackctlError(
            f"{type_} {name!r} is already declared{where}", hint="pick another name"
        )
