"""How commands get a Project: one place that turns --var/--var-file into overrides.

Outside any project, the commands that only run pipelines and look at runs
(``IMPLICIT_COMMANDS``) work on the default stack in the current folder, as an SDK
script does; every other command says there is no stackctl.yaml and how to make one.
"""

from __future__ import annotations

import atexit
import sys
from pathlib import Path

from stackctl.project import Project

#: Top-level commands that work outside a project (zero configuration).
IMPLICIT_COMMANDS = frozenset({"run", "runs", "artifacts", "dashboard", "pipelines", "model"})
#: Commands that take the validated project from the per-checkout cache (see
#: ``project_cache.use_spec_cache``; plan and apply take it through their Planner). `validate`
#: and `graph` always load it whole, as do `pipelines` and the dashboard, which show
#: `source:` pipelines compiled from Python files.
CACHED_COMMANDS = frozenset(
    {"run", "runs", "artifacts", "model", "stack", "state", "show", "output", "drift"}
)
_command: list[str] = []  # the invoked top-level command, set by the app callback
_env: list[str] = []  # the environment of --env / STACKCTL_ENV, set by the app callback


def invoked(command: str | None, env: str | None = None) -> None:
    """Record which top-level command runs, in which environment (the app's callback)."""
    _command[:] = [command] if command else []
    _env[:] = [env] if env else []


def open_project(vars_: list[str] | None = None, var_files: list[Path] | None = None) -> Project:
    """Discover the project from the current directory, with variable overrides."""
    from stackctl.config.load import parse_var

    overrides = dict(parse_var(v) for v in vars_ or [])
    project = Project.discover(
        var_overrides=overrides,
        var_files=tuple(var_files or ()),
        implicit=bool(_command) and _command[0] in IMPLICIT_COMMANDS,
        env=_env[0] if _env else "",
    )
    note = project.note_implicit()
    if note:
        sys.stderr.write(note + "\n")
    if _command and _command[0] in CACHED_COMMANDS:
        from stackctl.project_cache import use_spec_cache

        use_spec_cache(project)
    # Closed when the command ends, however it ends: the last connection's close is what
    # checkpoints SQLite's WAL into the file and stamps it clean, so the next command or
    # run opens it without scanning it whole (a `stackctl run` left its WAL behind).
    atexit.register(project.close)
    return project
