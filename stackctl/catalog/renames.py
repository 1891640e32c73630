"""Rename a component or a stack without destroying it: edit the YAML, record a `moved:`.

ZenML's `stack rename` / `component rename` change a name in its database; here the
name is the resource's address, so a plain edit would plan a destroy + create. Each
rename therefore (1) renames the declaration in place (comments kept), (2) updates every
reference (stacks naming the component, pipelines pinning the stack), (3) appends
`moved: [{from: OLD, to: NEW}]` to the declaring file, so the next plan shows
"OLD has moved to NEW" and apply only moves the state record. An earlier entry moving
*from* the new name (a rename back) is dropped: Terraform forbids a `from` that is
declared. Values the old name computed (a local store's `.stackctl/artifacts/<name>`)
are written into the declaration so the renamed store keeps its artifacts.
"""

from __future__ import annotations

import os
from pathlib import Path

from stackctl.catalog.components import check_name
from stackctl.catalog.files import Edit, Outcome
from stackctl.catalog.views import component
from stackctl.config.moves_edit import (
    drop_moves_from,
    moves_from,
    pin_config,
    record_move,
    rename_key,
    set_value,
)
from stackctl.errors import StackctlError
from stackctl.model import DEFAULT_STACK, address
from stackctl.project import STACK_ENV, Project

_NEXT = ("stackctl plan    # shows the move: nothing is destroyed", "stackctl apply")


def rename_component(project: Project, type_: str, old: str, new: str) -> Outcome:
    """``type_.old`` becomes ``type_.new`` in the YAML, its stacks and a `moved:` entry."""
    check_name(new, type_)
    edit = Edit(project)
    current = component(project, type_, old)
    if current.location is None:
        raise StackctlError(
            f"{type_} {old!r} is built in (the default stack uses it) and cannot be renamed",
            hint=f"declare another one: `stackctl {type_.replace('_', '-')} register NAME`",
        )
    _check_free(edit, address(type_, old), address(type_, new), f"{type_} {new!r}")
    rel = current.location.file
    declaring = edit.open(rel)
    declared = declaring.get("components", type_, old)
    yaml_config = (declared.get("config") or {}) if isinstance(declared, dict) else {}
    computed = {k: v for k, v in current.config.items() if k not in yaml_config}
    if computed:  # e.g. a local store's folder named after the old name
        declaring.change(pin_config(("components", type_, old), computed))
    declaring.change(rename_key(("components", type_, old), new))
    users = []
    for stack in edit.spec.stacks.values():
        if stack.components.get(type_) == old and stack.location is not None:
            edit.open(stack.location.file).change(set_value(("stacks", stack.name, type_), new))
            users.append(stack.name)
    _record(edit, rel, address(type_, old), address(type_, new))
    edit.commit()
    used = f"; stacks updated: {', '.join(users)}" if users else ""
    pinned = f"; kept its {', '.join(computed)}" if computed else ""
    return Outcome(
        f"Renamed {type_} {old!r} to {new!r} in {rel}{used}{pinned}; recorded "
        f"`moved: {address(type_, old)} -> {address(type_, new)}` so apply keeps its state.",
        tuple(edit.changes()) or (rel,),
        next_steps=_NEXT,
    )


def rename_stack(project: Project, old: str, new: str) -> Outcome:
    """Stack ``old`` becomes ``new``: its declaration, pipelines pinning it, a `moved:`."""
    if DEFAULT_STACK in (old, new):
        raise StackctlError(
            "the default stack cannot be renamed, nor another stack renamed to it",
            hint="register a new stack instead: `stackctl stack register NAME -o ... -a ...`",
        )
    check_name(new, "stack")
    edit = Edit(project)
    declared = project.stack(old)
    _check_free(edit, address("stack", old), address("stack", new), f"stack {new!r}")
    assert declared.location is not None  # only the built-in default has none
    rel = declared.location.file
    edit.open(rel).change(rename_key(("stacks", old), new))
    pinned = []
    for pipeline in edit.spec.pipelines.values():
        if pipeline.stack == old and pipeline.location is not None:
            edit.open(pipeline.location.file).change(
                set_value(("pipelines", pipeline.name, "stack"), new)
            )
            pinned.append(pipeline.name)
    _record(edit, rel, address("stack", old), address("stack", new))
    spec = edit.commit()
    warnings: tuple[str, ...] = ()
    if project.active_stack() == old:
        if os.environ.get(STACK_ENV):
            warnings = (f"${STACK_ENV} names {old!r}; set it to {new!r}",)
        else:  # the checkout follows the rename (usable once apply has moved it)
            Project(
                project.root, project.var_overrides, project.var_files, _spec=spec
            ).set_active_stack(new)
            warnings = (
                f"the active stack of this checkout is now {new!r} (after `stackctl apply`)",
            )
    used = f"; pipelines updated: {', '.join(pinned)}" if pinned else ""
    return Outcome(
        f"Renamed stack {old!r} to {new!r} in {rel}{used}; recorded "
        f"`moved: stack.{old} -> stack.{new}` so apply keeps its state.",
        tuple(edit.changes()) or (rel,),
        warnings,
        next_steps=_NEXT,
    )


def _check_free(edit: Edit, old: str, new: str, what: str) -> None:
    spec = edit.spec
    taken = {*spec.components, *(f"stack.{s}" for s in spec.stacks)}
    if new in taken:
        raise StackctlError(f"{what} is already declared", hint="pick another name")
    recorded = edit.project.read_state().read().resources
    if new in recorded and old in recorded:
        raise StackctlError(
            f"state records both {old} and {new}; a move onto {new} would clash",
            hint=f"pick another name, or destroy/forget it first (`stackctl state rm {new}`)",
        )


def _record(edit: Edit, rel: str, source: str, to: str) -> None:
    """`moved: source -> to` in ``rel``; drop entries moving *from* ``to`` anywhere."""
    for file in edit.spec.files:
        if Path(file).is_absolute():
            continue
        opened = edit.open(file)
        if moves_from(opened.data, to):
            opened.change(drop_moves_from(to))
    edit.open(rel).change(record_move(source, to))
