"""Commands whose options are only known at run time (from flavor JSON Schemas).

typer reads a command's parameters from its signature, so a generated ``__signature__``
of ``Annotated[..., typer.Option(...)]`` parameters gives typed options with help text
without touching click. Groups built this way are lazy (``LazyGroup``): their commands,
and the flavor registry behind them, load only when that group is used, so
`stackctl --help` stays fast.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from stackctl.catalog.settings import Setting, settings_for
from stackctl.cli import render

Factory = Callable[[], typer.Typer]


def option(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def argument(name: str, help_: str) -> inspect.Parameter:
    return inspect.Parameter(
        name,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        annotation=Annotated[
            str, typer.Argument(help=help_, metavar=name.upper(), show_default=False)
        ],
    )


def setting_params(
    type_: str, reserved: tuple[str, ...]
) -> tuple[list[inspect.Parameter], dict[str, str]]:
    """One option per flavor setting of ``type_``; returns params and param -> config key."""
    params: list[inspect.Parameter] = []
    keys: dict[str, str] = {}
    for s in settings_for(type_, reserved):
        ident = "setting_" + s.key
        keys[ident] = s.key
        params.append(option(ident, _annotation(s)))
    return params, keys


def _annotation(s: Setting) -> Any:
    if s.is_flag:
        flags = f"{s.flag}/--no-{s.flag[2:]}"
        return Annotated[bool | None, typer.Option(flags, help=s.help, show_default=False)]
    return Annotated[
        str | None,
        typer.Option(s.flag, help=s.help, metavar=_metavar(s), show_default=False),
    ]


def _metavar(s: Setting) -> str:
    kinds = [t for t in s.types if t != "null"]
    return {"integer": "INT", "number": "NUMBER", "object": "JSON", "array": "JSON"}.get(
        kinds[0] if kinds else "", "TEXT"
    )


def command(
    impl: Callable[..., None], params: list[inspect.Parameter], doc: str
) -> Callable[..., None]:
    """A function with ``params`` as its signature that calls ``impl(**kwargs)``."""

    def run(*args: Any, **kwargs: Any) -> None:
        bound = run.__signature__.bind(*args, **kwargs)  # type: ignore[attr-defined]
        impl(**bound.arguments)

    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__doc__ = doc
    return run


def lazy_group(factory: Factory) -> type[TyperGroup]:
    """A TyperGroup class whose commands come from ``factory()`` on first use."""

    class Group(LazyGroup):
        pass

    Group.factory = staticmethod(factory)
    return Group


class LazyGroup(TyperGroup):
    factory: Callable[[], typer.Typer]

    def _load(self) -> None:
        if not self.commands:
            self.commands.update(_commands(self.factory))

    def list_commands(self, ctx: Any) -> list[str]:
        self._load()
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._load()
        return self.commands.get(cmd_name)


@cache
def _commands(factory: Factory) -> dict[str, Any]:
    group = typer.main.get_command(factory())
    return dict(getattr(group, "commands", {}))


def report(outcome: Any) -> None:
    """Print an edit's Outcome: summary, warnings (stderr), the commands to run next."""
    render.out(outcome.summary)
    for warning in outcome.warnings:
        render.err(f"warning: {warning}")
    if outcome.next_steps:
        render.out("Next:")
        for step in outcome.next_steps:
            render.out(f"  {step}")
