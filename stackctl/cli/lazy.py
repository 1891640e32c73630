"""Commands registered lazily: a command's module is imported only when it runs.

Importing every command module (and through them the engine, the state stores, the
model) cost `stackctl --help` ~40 ms before it printed a line, and `stackctl run` paid
for plan/apply/dashboard code it never calls. The root group lists each command from
``COMMANDS`` (its module and the first paragraph of its help) and imports the module
the first time the command itself is needed: to run it, to print its own help, for
shell completion below it, or for `typer ... utils docs` (which walks every command,
so docs/cli-reference.md is generated from the real commands). A unit test checks that
every summary here is the one the command's own help starts with.

A command added the old way (``module.register(app)`` in root.py) still works: it is
loaded eagerly and listed after these.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperGroup

#: name -> (loader: "module" or "module:function" under stackctl.cli, summary)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "validate",
        "Check every project file against its schema and every reference between them.",
    ),
    "init": (
        "init",
        "Create stackctl.yaml, stacks/, pipelines/ (YAML + Python steps), schemas/ and .gitignore.",
    ),
    "fmt": (
        "fmt",
        "Format YAML files canonically: schema key order, 2-space indent, comments kept.",
    ),
    "graph": (
        "graph",
        "Print components -> stacks -> pipelines, or with --pipeline the steps' DAG.",
    ),
    "plan": (
        "plan",
        "Compare the configuration with state (and reality) and show the changes.",
    ),
    "apply": ("apply", "Apply a saved plan exactly, or plan now and apply after approval."),
    "destroy": (
        "destroy",
        "Destroy every applied resource (or --target ones and their dependents).",
    ),
    "doctor": (
        "doctor",
        "Show the installed extras (with the command for each missing one), the state\n"
        "backend and whether it answers, and the active stack. Exit code 1 when the project\n"
        "has a problem (invalid configuration, state unreachable).",
    ),
    "drift": (
        "drift",
        "Report resources whose real counterpart differs from state (never locks or writes).",
    ),
    "show": ("show", "Show what state records, or the saved plan PLANFILE."),
    "force-unlock": (
        "unlock",
        "Release the state lock LOCK_ID (only when its holder is really gone).",
    ),
    "completion": ("completion", "Print (or --install) the shell completion script for stackctl."),
    "dashboard": (
        "dashboard",
        "Serve a read-only web view of stacks, runs, step logs and applies.",
    ),
    "run": ("run", "Run PIPELINE; every step output is persisted in the stack's artifact store."),
    "flavor": ("flavors", "Flavors: the implementations of each component type."),
    "state": ("root:register_state", "Inspect and edit what state records."),
    "stack": (
        "stack",
        "Stacks: the orchestrator, artifact store and other components a pipeline runs on.",
    ),
    "component": (
        "component",
        "Components of every type: list, register, describe, update, delete.",
    ),
    **{
        name: ("component", f"{label} components: register, list, describe, update, delete.")
        for name, label in (
            ("orchestrator", "Orchestrator"),
            ("artifact-store", "Artifact store"),
            ("experiment-tracker", "Experiment tracker"),
            ("model-registry", "Model registry"),
            ("alerter", "Alerter"),
            ("step-operator", "Step operator"),
            ("container-registry", "Container registry"),
            ("model-deployer", "Model deployer"),
            ("feature-store", "Feature store"),
            ("data-validator", "Data validator"),
            ("image-builder", "Image builder"),
            ("annotator", "Annotator"),
        )
    },
    "pipelines": ("pipelines", "List the project's pipelines."),
    "runs": ("root:register_runs", "Pipeline runs recorded in state."),
    "artifacts": ("root:register_runs", "Artifacts written by runs."),
    "import": (
        "import_cmd",
        "Adopt ID as the declared ADDR after its provisioner checks it (state only).",
    ),
    "output": (
        "output",
        "Print what provisioners recorded (bucket URIs, folders, tracking URIs); secrets hidden.",
    ),
    "model": ("model", "Model versions made by pipelines with `model:`, and their stages."),
    "test": (
        "test_cmd",
        "Plan each test case against its variables and state snapshot (and apply it, with\n"
        "`apply: true`, into a temporary state and folder), then check its assertions.\n"
        "Exit 0 when every case passes, 1 otherwise.",
    ),
    "env": ("env", "Environments (envs/NAME.yaml): each with its own vars and state."),
}


def summary(help_text: str | None) -> str:
    """The first paragraph of a help text: what the command list shows (shortened)."""
    return (help_text or "").strip().split("\n\n")[0].strip()


class LazyGroup(TyperGroup):
    """The root group: lists ``COMMANDS`` without importing them, loads on demand."""

    #: the settings the root Typer gives its sub-apps (set by root.py)
    typer_settings: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()

    def list_commands(self, ctx: Any) -> list[str]:
        eager = [name for name in self.commands if name not in COMMANDS]
        return [*COMMANDS, *eager]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self._load(COMMANDS[cmd_name][0])
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from the summaries, as click prints it, importing nothing."""
        from typer._click.utils import make_default_short_help

        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is not None:
                if loaded.hidden:
                    continue
                rows.append((name, loaded.get_short_help_str(limit)))
            else:
                rows.append((name, make_default_short_help(COMMANDS[name][1], limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _load(self, loader: str) -> None:
        if loader in self._loaded:
            return
        self._loaded.add(loader)
        module, _, function = loader.partition(":")
        imported = importlib.import_module(f"stackctl.cli.{module}")
        register: Callable[[typer.Typer], None] = getattr(imported, function or "register")
        sub = typer.Typer(**self.typer_settings)
        register(sub)
        group = typer.main.get_group(sub)
        for name, command in group.commands.items():
            self.add_command(command, name)
