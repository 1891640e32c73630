"""`stackctl stack rename`, `stackctl component rename`, `stackctl <type> rename`.

Each edits the YAML (comments kept) and records a `moved:` entry, so the next plan
moves the state record instead of destroying and creating (catalog/renames.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from stackctl.cli.dynamic import report

Old = Annotated[str, typer.Argument(help="Current name.", show_default=False)]
New = Annotated[str, typer.Argument(help="New name.", show_default=False)]


if TYPE_CHECKING:
    from stackctl.project import Project


def _project() -> Project:
    from stackctl.cli.context import open_project

    return open_project()


def rename_stack(old: Old, new: New) -> None:
    """Rename a stack (YAML, pipelines pinning it, and a `moved:` entry: nothing destroyed)."""
    from stackctl.catalog.renames import rename_stack as impl

    report(impl(_project(), old, new))


def rename_component(
    type_: Annotated[str, typer.Argument(metavar="TYPE", help="Component type.")],
    old: Old,
    new: New,
) -> None:
    """Rename a component (YAML, the stacks using it, and a `moved:` entry: nothing destroyed)."""
    from stackctl.catalog.components import check_type
    from stackctl.catalog.renames import rename_component as impl

    report(impl(_project(), check_type(type_), old, new))


def typed(type_: str) -> Callable[[str, str], None]:
    """`stackctl <type> rename OLD NEW` for one component type."""

    def rename(old: Old, new: New) -> None:
        from stackctl.catalog.renames import rename_component as impl

        report(impl(_project(), type_, old, new))

    words = type_.replace("_", " ")
    article = "an" if words[0] in "aeiou" else "a"
    rename.__doc__ = f"Rename {article} {words} (YAML, its stacks, a `moved:` entry)."
    return rename
