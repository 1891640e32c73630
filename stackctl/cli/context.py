"""How commands get a Project: one place that turns --var/--var-file into overrides."""

from __future__ import annotations

from pathlib import Path

from stackctl.project import Project


def open_project(vars_: list[str] | None = None, var_files: list[Path] | None = None) -> Project:
    """Discover the project from the current directory, with variable overrides."""
    from stackctl.config.load import parse_var

    overrides = dict(parse_var(v) for v in vars_ or [])
    return Project.discover(var_overrides=overrides, var_files=tuple(var_files or ()))
