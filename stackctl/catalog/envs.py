"""Read-only views of a project's environments (`stackctl env list | show`)."""

from __future__ import annotations

from typing import Any

from stackctl.errors import StackctlError
from stackctl.model import StateConfig
from stackctl.project import Project


def state_where(state: StateConfig) -> str:
    """`sqlite .stackctl/envs/dev/state.db` or `postgres postgresql://u:***@h/db`."""
    if state.backend == "postgres":
        from stackctl.state.postgres import redact_url

        schema = f" (schema {state.schema})" if state.schema else ""
        return f"postgres {redact_url(state.url or '')}{schema}"
    if state.backend == "memory":
        return "memory"
    return f"sqlite {state.path}"


def _in_env(project: Project, name: str) -> Project:
    from stackctl.components.registry import schemas_dir
    from stackctl.config.envs import load_env

    env = load_env(project.root, name, schemas_dir())
    return Project(project.root, project.var_overrides, project.var_files, env=env)


def list_envs(project: Project) -> list[dict[str, Any]]:
    """Every environment: name, whether selected, description and where its state is."""
    from stackctl.config.envs import env_names

    selected = project.env.name if project.env else ""
    rows = []
    for name in env_names(project.root):
        env_project = _in_env(project, name)
        assert env_project.env is not None
        try:
            where = state_where(env_project.spec.state)
        except StackctlError as exc:  # one broken environment must not hide the others
            where = f"(invalid: {exc.message})"
        rows.append(
            {
                "name": name,
                "selected": name == selected,
                "description": env_project.env.description,
                "state": where,
            }
        )
    return rows


def show_env(project: Project, name: str | None) -> dict[str, Any]:
    """One environment in detail (default: the selected one)."""
    if name is None:
        if project.env is None:
            raise StackctlError(
                "no environment selected",
                hint="name one (`stackctl env show NAME`), or select one with --env NAME",
            )
        name = project.env.name
    env_project = _in_env(project, name)
    env = env_project.env
    assert env is not None
    spec = env_project.spec
    return {
        "name": env.name,
        "file": env.file,
        "description": env.description,
        "vars": dict(env.vars),
        "state": state_where(spec.state),
        "active_stack": env_project.active_stack(),
    }
