"""`stackctl stack ...`: list, describe, set, get, register, delete, export, import,
update, copy, remove-component.

register/delete/import/update/copy/remove-component edit stacks/*.yaml (comments kept) after validating the result;
the change reaches the state through `stackctl plan` / `stackctl apply`.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any

import typer

from stackctl.cli import options, render
from stackctl.cli.component import config_text, render_structured
from stackctl.cli.dynamic import argument, command, lazy_group, option, report
from stackctl.model import COMPONENT_TYPES

#: ZenML's short flags for `zenml stack register`, so muscle memory carries over.
SHORT_FLAGS = {
    "orchestrator": "-o",
    "artifact_store": "-a",
    "experiment_tracker": "-e",
    "model_registry": "-r",
    "alerter": "-al",
    "step_operator": "-s",
    "container_registry": "-c",
    "model_deployer": "-d",
    "feature_store": "-f",
    "data_validator": "-dv",
    "image_builder": "-i",
    "annotator": "-an",
}
Name = Annotated[str, typer.Argument(help="Stack name.", show_default=False)]


def register(app: typer.Typer) -> None:
    app.add_typer(
        typer.Typer(
            help="Stacks: the orchestrator, artifact store and other components a pipeline "
            "runs on.",
            no_args_is_help=True,
            cls=lazy_group(stack_app),
        ),
        name="stack",
    )


def _project() -> Any:
    from stackctl.cli.context import open_project

    return open_project()


def list_stacks(output: options.Output = "table") -> None:
    """List stacks: active one marked with *, components with flavors, applied or not."""
    from stackctl.catalog.views import list_stacks as view

    data = view(_project())
    if render_structured(data, output):
        return
    used = [t for t in COMPONENT_TYPES if any(t in s["components"] for s in data["stacks"])]
    rows = [
        [
            "*" if s["active"] else "",
            s["name"],
            *(_cell(s["components"].get(t)) for t in used),
            "yes" if s["applied"] else "no",
        ]
        for s in data["stacks"]
    ]
    render.table(None, ["active", "name", *used, "applied"], rows)


def _cell(comp: dict[str, str] | None) -> str:
    return f"{comp['name']} ({comp['flavor']})" if comp else ""


def describe(
    name: Annotated[
        str | None, typer.Argument(help="Stack name (default: the active stack).")
    ] = None,
    output: options.Output = "table",
) -> None:
    """Show a stack's components, flavors and resolved config (secrets redacted)."""
    from stackctl.catalog.views import describe_stack

    project = _project()
    name = project.active_stack() if name is None else name
    data = describe_stack(project, name)
    if render_structured(data, output):
        return
    flags = [
        f
        for f, on in (("active", data["active"]), ("prevent_destroy", data["prevent_destroy"]))
        if on
    ]
    render.out(
        f"stack {name!r}{' (' + ', '.join(flags) + ')' if flags else ''}  "
        f"applied: {'yes' if data['applied'] else 'no'}  {data['location'] or '(built in)'}"
    )
    for comp in data["components"]:
        render.out("")
        render.out(
            f"{comp['type']} {comp['name']!r}  flavor: {comp['flavor']}  "
            f"applied: {'yes' if comp['applied'] else 'no'}  {comp['location'] or '(built in)'}"
        )
        render.out(config_text(comp["config"]))


def set_stack(name: Name) -> None:
    """Make a stack active for this checkout (it must be declared and applied)."""
    from stackctl.catalog.stacks import set_active

    report(set_active(_project(), name))


def get(output: options.Output = "table") -> None:
    """Print the active stack (from $STACKCTL_STACK, .stackctl/active_stack or default)."""
    from stackctl.catalog.views import active_stack

    data = active_stack(_project())
    if not render_structured(data, output):
        render.out(data["name"])


def delete(name: Name) -> None:
    """Remove a stack from stacks/*.yaml (the default stack cannot be deleted)."""
    from stackctl.catalog.stacks import delete_stack

    report(delete_stack(_project(), name))


def export(
    name: Name,
    out: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE instead of stdout.", dir_okay=False),
    ] = None,
) -> None:
    """Print a self-contained YAML of a stack and its components (secrets as references)."""
    from stackctl.catalog.transfer import export_stack

    text = export_stack(_project(), name)
    if out is None:
        render.out(text)
        return
    out.write_text(text, encoding="utf-8")
    render.err(f"Wrote stack {name!r} to {out}.")


def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="A `stackctl stack export` or `zenml stack export` YAML.",
            exists=True,
            dir_okay=False,
        ),
    ],
    rename: Annotated[
        str | None,
        typer.Option(
            "--rename",
            help="Import the stack under this name (clashing components become NEW_<name>).",
        ),
    ] = None,
    skip_unknown: Annotated[
        bool,
        typer.Option(
            "--skip-unknown",
            help="Leave out optional components whose flavor stackctl does not have.",
        ),
    ] = False,
) -> None:
    """Add the stack(s) in FILE to stacks/<name>.yaml; ZenML exports are translated."""
    from stackctl.catalog.transfer import import_stacks

    report(import_stacks(_project(), file, rename=rename, skip_unknown=skip_unknown))


def _register(**kw: Any) -> None:
    from stackctl.catalog.stacks import register_stack

    name = kw.pop("name")
    report(register_stack(_project(), name, {t: v for t, v in kw.items() if v}))


def _register_command() -> Any:
    params = [argument("name", "Name of the new stack.")]
    for type_ in COMPONENT_TYPES:
        words = type_.replace("_", " ")
        required = type_ in ("orchestrator", "artifact_store")
        decl = typer.Option(
            "--" + type_.replace("_", "-"),
            SHORT_FLAGS[type_],
            help=f"Name of the {words}" + (" (required)." if required else "."),
            show_default=False,
        )
        params.append(
            option(type_, Annotated[str, decl], inspect.Parameter.empty)
            if required
            else option(type_, Annotated[str | None, decl])
        )
    return command(
        _register, params, "Declare a stack from existing components (edits stacks/*.yaml)."
    )


def _update(**kw: Any) -> None:
    from stackctl.catalog.stack_verbs import update_stack

    name = kw.pop("name")
    report(update_stack(_project(), name, {t: v for t, v in kw.items() if v}))


def _update_command() -> Any:
    params = [argument("name", "The stack to change.")]
    for type_ in COMPONENT_TYPES:
        decl = typer.Option(
            "--" + type_.replace("_", "-"),
            SHORT_FLAGS[type_],
            help=f"New {type_.replace('_', ' ')}.",
            show_default=False,
        )
        params.append(option(type_, Annotated[str | None, decl]))
    return command(
        _update, params, "Replace or add components of a stack (edits its YAML, comments kept)."
    )


def _remove(**kw: Any) -> None:
    from stackctl.catalog.stack_verbs import remove_components

    name = kw.pop("name")
    report(remove_components(_project(), name, tuple(t for t, on in kw.items() if on)))


def _remove_command() -> Any:
    from stackctl.model import REQUIRED_COMPONENT_TYPES

    params = [argument("name", "The stack to change.")]
    for type_ in COMPONENT_TYPES:
        if type_ in REQUIRED_COMPONENT_TYPES:
            continue
        decl = typer.Option(
            "--" + type_.replace("_", "-"),
            SHORT_FLAGS[type_],
            help=f"Remove the stack's {type_.replace('_', ' ')}.",
        )
        params.append(option(type_, Annotated[bool, decl], False))
    return command(_remove, params, "Take optional components out of a stack (they stay declared).")


def copy(
    src: Annotated[str, typer.Argument(help="The stack to copy.", show_default=False)],
    dst: Annotated[str, typer.Argument(help="Name of the new stack.", show_default=False)],
) -> None:
    """Declare a new stack with the components (and lifecycle) of another."""
    from stackctl.catalog.stack_verbs import copy_stack

    report(copy_stack(_project(), src, dst))


def stack_app() -> typer.Typer:
    app = typer.Typer(rich_markup_mode=None)
    app.command("list")(list_stacks)
    app.command("describe")(describe)
    app.command("set")(set_stack)
    app.command("get")(get)
    app.command("register")(_register_command())
    app.command("delete")(delete)
    app.command("export")(export)
    app.command("import")(import_)
    from stackctl.cli.rename import rename_stack

    app.command("rename")(rename_stack)
    app.command("update")(_update_command())
    app.command("copy")(copy)
    app.command("remove-component")(_remove_command())
    return app
