"""`stackctl doctor`: what is installed (extras and versions) and what this project uses
(state backend reachable or not, the active stack), gathered without side effects."""

from __future__ import annotations

import sys
from dataclasses import field
from importlib import metadata

from stackctl.components.extras import EXTRA_MODULES, install_command, version
from stackctl.errors import StackctlError
from stackctl.frozen import frozen
from stackctl.project import Project
from stackctl.state.postgres import redact_url


@frozen
class Extra:
    name: str
    version: str | None  # None: not installed
    install: str


@frozen
class Report:
    stackctl: str
    python: str
    extras: list[Extra]
    project: str | None = None  # None: not inside a project
    active_stack: str | None = None
    state: str | None = None  # the backend's kind and where
    state_ok: bool | None = None
    problems: list[str] = field(default_factory=list)


def diagnose(project: Project | None) -> Report:
    extras = [Extra(n, version(n), install_command(n)) for n in EXTRA_MODULES]
    base = {
        "stackctl": metadata.version("stackctl"),
        "python": sys.version.split()[0],
        "extras": extras,
    }
    if project is None:
        return Report(**base)  # type: ignore[arg-type]
    problems: list[str] = []
    state, state_ok = None, False
    try:
        spec = project.spec
        where = spec.state.url if spec.state.backend == "postgres" else spec.state.path
        state = f"{spec.state.backend} {redact_url(where or '')}".strip()
        try:
            project.read_state().close()
            state_ok = True
        except StackctlError as exc:
            problems.append(f"state: {exc.message}")
        finally:
            project.close()
    except StackctlError as exc:
        problems.append(exc.message.splitlines()[0] if exc.message else "invalid project")
    return Report(
        **base,  # type: ignore[arg-type]
        project=str(project.root),
        active_stack=project.active_stack(),
        state=state,
        state_ok=state_ok,
        problems=problems,
    )
