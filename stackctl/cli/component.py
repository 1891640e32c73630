"""Component commands, as ZenML has them: one group per type plus a generic one.

    stackctl artifact-store register my_store --flavor local --path /data/artifacts
    stackctl orchestrator register par --flavor local_parallel --max-workers 4
    stackctl component register experiment_tracker mlf --flavor mlflow --config tracking_uri=...

Each type group has register | list | describe | update | delete | copy; the flavor options of
register/update (`--path`, `--max-workers` ...) come from the flavors' JSON Schemas.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer

from stackctl.cli import options, render
from stackctl.cli.dynamic import argument, command, lazy_group, option, report, setting_params
from stackctl.model import COMPONENT_TYPES

RESERVED = ("--flavor", "--config", "--unset", "--help", "--output")
ConfigOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--config", "-c", help="A flavor setting KEY=VALUE (repeatable).", show_default=False
    ),
]
UnsetOpt = Annotated[
    list[str] | None,
    typer.Option("--unset", help="Remove a config KEY (repeatable).", show_default=False),
]
TypeOpt = Annotated[str | None, typer.Option("--type", "-t", help="Only this component type.")]

component_app = typer.Typer(
    help="Components of every type: list, register, describe, update, delete.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(component_app, name="component")
    for type_ in COMPONENT_TYPES:
        cli = type_.replace("_", "-")
        sub = typer.Typer(
            help=f"{type_.replace('_', ' ').capitalize()} components: register, list, "
            "describe, update, delete.",
            no_args_is_help=True,
            cls=lazy_group(_factory(type_)),
        )
        app.add_typer(sub, name=cli)


# -- shared implementations ----------------------------------------------------------------
def _project() -> Any:
    from stackctl.cli.context import open_project

    return open_project()


def _register(
    type_: str, name: str, flavor: str, config: list[str] | None, settings: dict[str, Any]
) -> None:
    from stackctl.catalog.components import register_component
    from stackctl.catalog.settings import parse_config
    from stackctl.components.registry import require_flavors

    require_flavors(type_)  # one line naming docs/plugins.md, before any flavor check
    values = parse_config(type_, flavor, config or [], settings)
    report(register_component(_project(), type_, name, flavor, values))


def _update(
    type_: str,
    name: str,
    flavor: str | None,
    config: list[str] | None,
    unset: list[str] | None,
    settings: dict[str, Any],
) -> None:
    from stackctl.catalog.components import update_component
    from stackctl.catalog.settings import parse_config
    from stackctl.catalog.views import component

    project = _project()
    target = flavor or component(project, type_, name).flavor
    values = parse_config(type_, target, config or [], settings)
    report(
        update_component(
            project, type_, name, flavor=flavor, config=values, unset=tuple(unset or ())
        )
    )


def _list(type_: str | None, output: str) -> None:
    from stackctl.catalog.views import list_components

    data = list_components(_project(), type_)
    if render_structured(data, output):
        return
    rows = [
        [
            r["type"],
            r["name"],
            r["flavor"],
            ", ".join(r["stacks"]),
            _yes(r["applied"]),
            r["location"] or "(built in)",
        ]
        for r in data["components"]
    ]
    render.table(None, ["type", "name", "flavor", "stacks", "applied", "location"], rows)


def _describe(type_: str, name: str, output: str) -> None:
    from stackctl.catalog.views import describe_component

    data = describe_component(_project(), type_, name)
    if render_structured(data, output):
        return
    render.out(
        f"{data['type']} {data['name']!r}  flavor: {data['flavor']}  "
        f"applied: {_yes(data['applied'])}  {data['location'] or '(built in)'}"
    )
    render.out(f"stacks: {', '.join(data['stacks']) or '(none)'}")
    render.out(config_text(data["config"]))


def _delete(type_: str, name: str) -> None:
    from stackctl.catalog.components import delete_component

    report(delete_component(_project(), type_, name))


def render_structured(data: Any, output: str) -> bool:
    """Print ``data`` as JSON or YAML when asked; False means: render a table."""
    if output == "json":
        render.emit_json(data)
        return True
    if output == "yaml":
        render.out(render.dump_yaml(data))
        return True
    if output != "table":
        from stackctl.errors import StackctlError

        raise StackctlError(f"unknown --output {output!r}", hint="use table, json or yaml")
    return False


def config_text(config: dict[str, Any]) -> str:
    if not config:
        return "config: (none)"
    body = render.dump_yaml(config).rstrip("\n")
    return "config:\n" + "\n".join("  " + line for line in body.splitlines())


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _type(type_: str) -> str:
    from stackctl.catalog.components import check_type

    return check_type(type_)


# -- the generic group -------------------------------------------------------------------
@component_app.command("list")
def list_cmd(type_: TypeOpt = None, output: options.Output = "table") -> None:
    """List components with their flavor, the stacks using them and where declared."""
    _list(_type(type_) if type_ else None, output)


@component_app.command("register")
def register_cmd(
    type_: Annotated[
        str, typer.Argument(metavar="TYPE", help="Component type, e.g. orchestrator.")
    ],
    name: Annotated[str, typer.Argument(help="Name of the new component.")],
    flavor: Annotated[
        str, typer.Option("--flavor", "-f", help="Flavor (see `stackctl flavor list`).")
    ],
    config: ConfigOpt = None,
) -> None:
    """Declare a component of any type in stacks/*.yaml (then plan and apply)."""
    _register(_type(type_), name, flavor, config, {})


@component_app.command("describe")
def describe_cmd(
    type_: Annotated[str, typer.Argument(metavar="TYPE")],
    name: str,
    output: options.Output = "table",
) -> None:
    """Show a component's flavor, resolved config (secrets redacted) and stacks."""
    _describe(_type(type_), name, output)


@component_app.command("update")
def update_cmd(
    type_: Annotated[str, typer.Argument(metavar="TYPE")],
    name: str,
    flavor: Annotated[str | None, typer.Option("--flavor", "-f", help="New flavor.")] = None,
    config: ConfigOpt = None,
    unset: UnsetOpt = None,
) -> None:
    """Change a component's flavor or config in place."""
    _update(_type(type_), name, flavor, config, unset, {})


@component_app.command("delete")
def delete_cmd(type_: Annotated[str, typer.Argument(metavar="TYPE")], name: str) -> None:
    """Remove a component's declaration (refused while a stack uses it)."""
    _delete(_type(type_), name)


def _rename_cmd() -> None:
    from stackctl.cli.rename import rename_component

    component_app.command("rename")(rename_component)


_rename_cmd()


def _copy(type_: str, src: str, dst: str) -> None:
    from stackctl.catalog.stack_verbs import copy_component

    report(copy_component(_project(), type_, src, dst))


@component_app.command("copy")
def copy_cmd(
    type_: Annotated[str, typer.Argument(metavar="TYPE")],
    src: Annotated[str, typer.Argument(help="The component to copy.")],
    dst: Annotated[str, typer.Argument(help="Name of the new component.")],
) -> None:
    """Declare a new component with the flavor and config of another (same file)."""
    _copy(_type(type_), src, dst)


# -- one group per type, built on first use ------------------------------------------------
def _factory(type_: str) -> Any:
    def build() -> typer.Typer:
        return type_app(type_)

    return build


def type_app(type_: str) -> typer.Typer:
    """`stackctl <type> register | list | describe | update | delete`."""
    from stackctl.components.registry import flavor_names

    words = type_.replace("_", " ")
    a_words = ("an " if words[0] in "aeiou" else "a ") + words
    app = typer.Typer(rich_markup_mode=None)
    params, keys = setting_params(type_, RESERVED)

    def settings_of(kwargs: dict[str, Any]) -> dict[str, Any]:
        return {keys[k]: kwargs.pop(k) for k in list(kwargs) if k in keys}

    def do_register(**kw: Any) -> None:
        settings = settings_of(kw)
        _register(type_, kw["name"], kw.get("flavor") or "", kw.get("config"), settings)

    def do_update(**kw: Any) -> None:
        settings = settings_of(kw)
        _update(type_, kw["name"], kw.get("flavor"), kw.get("config"), kw.get("unset"), settings)

    flavor_help = f"Flavor of the {words} (see `stackctl flavor list --type {type_}`)."
    name_arg = argument("name", f"Name of the {words}.")
    app.command("register")(
        command(
            do_register,
            [
                name_arg,
                # a type nothing implements: no required --flavor, so that register says
                # that in one line (exit 1) instead of a usage error about the option
                option(
                    "flavor",
                    Annotated[str | None, typer.Option("--flavor", "-f", help=flavor_help)],
                    None,
                )
                if not flavor_names(type_)
                else option(
                    "flavor",
                    Annotated[str, typer.Option("--flavor", "-f", help=flavor_help)],
                    inspect.Parameter.empty,
                ),
                option("config", ConfigOpt),
                *params,
            ],
            f"Declare a new {words} in stacks/*.yaml (then plan and apply).",
        )
    )
    app.command("update")(
        command(
            do_update,
            [
                name_arg,
                option(
                    "flavor",
                    Annotated[
                        str | None,
                        typer.Option("--flavor", "-f", help="New flavor (a replace in the plan)."),
                    ],
                ),
                option("config", ConfigOpt),
                option("unset", UnsetOpt),
                *params,
            ],
            f"Change {a_words}'s flavor or config in place (comments kept).",
        )
    )
    app.command("list")(
        command(
            lambda output: _list(type_, output),
            [option("output", options.Output, "table")],
            f"List {words}s.",
        )
    )
    app.command("describe")(
        command(
            lambda name, output: _describe(type_, name, output),
            [name_arg, option("output", options.Output, "table")],
            f"Show {a_words}: flavor, resolved config (secrets redacted), stacks.",
        )
    )
    app.command("delete")(
        command(
            lambda name: _delete(type_, name),
            [name_arg],
            f"Remove {a_words} (refused while a stack uses it).",
        )
    )
    from stackctl.cli.rename import typed

    app.command("rename")(typed(type_))
    app.command("copy")(
        command(
            lambda src, dst: _copy(type_, src, dst),
            [
                argument("src", f"The {words} to copy."),
                argument("dst", f"Name of the new {words}."),
            ],
            f"Declare a new {words} with the flavor and config of another (same file).",
        )
    )
    return app
