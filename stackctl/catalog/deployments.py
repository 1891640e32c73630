"""Deployments for the CLI: ``model deploy / deployments / undeploy`` (plain dicts).

The deployer is the active stack's ``model_deployer`` component; the version's
artifacts are read from the artifact store its run wrote to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackctl.catalog.models import split_ref
from stackctl.errors import NotFoundError, StackctlError
from stackctl.model import Run
from stackctl.project import Project

if TYPE_CHECKING:
    from stackctl.components.artifact_stores.base import ArtifactStore
    from stackctl.components.model_deployers.base import ModelDeployer


def _component(project: Project, type_: str, name: str) -> Any:
    from stackctl.components.registry import get_flavor
    from stackctl.config.secrets import Secrets, reveal

    spec = project.spec.components[f"{type_}.{name}"]
    config = reveal(dict(spec.config), Secrets(project.root), f"{type_}.{name}")
    return get_flavor(type_, spec.flavor).load()(spec.name, config, project.root)


def active_deployer(project: Project, stack: str | None = None) -> ModelDeployer:
    """The model deployer of ``stack`` (default: the active one); NotFoundError with the
    fix when it has none."""
    stack = stack or project.active_stack()
    declared = project.stack(stack).components.get("model_deployer")
    if declared is None:
        raise NotFoundError(
            f"stack {stack!r} has no model_deployer",
            hint="declare one under components (model_deployer: {mlflow: {flavor: mlflow}}), "
            "add `model_deployer: mlflow` to a stack in stacks/*.yaml, then "
            "`stackctl apply` and `stackctl stack set STACK`",
        )
    deployer: ModelDeployer = _component(project, "model_deployer", declared)
    return deployer


def _artifact_store(project: Project, run: Run) -> ArtifactStore:
    # launch.artifact_store_of does the same, but launch is a sibling layer of catalog
    name = run.stack_snapshot.get("components", {}).get("artifact_store", {}).get("name")
    if f"artifact_store.{name or 'default'}" not in project.spec.components:
        raise NotFoundError(
            f"artifact store {name!r} used by run {run.id[:8]} is no longer declared",
            hint="restore its declaration in stacks/*.yaml to read the run's artifacts",
        )
    store: ArtifactStore = _component(project, "artifact_store", name or "default")
    return store


def deploy(
    project: Project, text: str, port: int | None, stack: str | None = None
) -> dict[str, Any]:
    """Serve ``NAME[:VERSION|STAGE]`` with the deployer of ``stack`` (default: the
    active one); its row."""
    from stackctl.runtime.deployments import as_row, status
    from stackctl.runtime.deployments import deploy as start
    from stackctl.state.locking import now

    if port is not None and not 1024 <= port <= 65535:
        raise StackctlError(
            f"port {port} is not a usable port", hint="give --port 1024..65535, or none"
        )
    name, ref = split_ref(text)
    state = project.state()
    version = state.model_version(name, ref)
    deployer = active_deployer(project, stack)
    store = _artifact_store(project, state.run(version.run_id))
    deployment = start(state, store, deployer, version, port, now(), project.root)
    return as_row(status(deployment, project.root))


def deployment_rows(project: Project) -> list[dict[str, Any]]:
    """Every recorded deployment with its live status."""
    from stackctl.runtime.deployments import as_row, status

    return [as_row(status(d, project.root)) for d in project.read_state().deployments()]


def undeploy(project: Project, text: str | None, everything: bool) -> list[dict[str, Any]]:
    """Stop and forget ``NAME[:VERSION]`` (every version of NAME without one), or all."""
    from stackctl.runtime.deployments import undeploy as stop

    if (text is None) == (not everything):
        raise StackctlError(
            "say which deployment to stop: NAME[:VERSION], or --all",
            hint="see them with `stackctl model deployments`",
        )
    state = project.state()
    known = state.deployments()
    chosen = known
    if text is not None:
        name, _, ref = text.partition(":")
        if ref and not (ref.isascii() and ref.isdigit()):
            raise StackctlError(
                f"{text!r} does not name a deployment",
                hint="write NAME or NAME:VERSION (a number), as `stackctl model deployments` "
                "shows them",
            )
        chosen = [d for d in known if d.model == name and (not ref or d.version == int(ref))]
        if not chosen:
            shown = ", ".join(f"{d.model}:{d.version}" for d in known) or "none"
            raise NotFoundError(f"no deployment of {text!r}", hint=f"deployments: {shown}")
    return [
        {"model": d.model, "version": d.version, "url": d.url, "deployer": d.deployer}
        for d in stop(state, project.root, chosen)
    ]
