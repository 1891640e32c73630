"""`stackctl artifacts prune` and `stackctl runs delete`: the project side.

Picks the artifact stores to sweep (every store a recorded run wrote to, plus the
active stack's), takes the state lock for the whole operation, and checks which runs
a user may delete; the mark-and-sweep itself is ``runtime.prune``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.errors import StackctlError
from stackctl.model import Run
from stackctl.project import Project
from stackctl.runtime import prune as pruning
from stackctl.runtime.liveness import effective_status
from stackctl.state.base import StateStore
from stackctl.state.clock import database_now


def prune_artifacts(
    project: Project, policy: pruning.Policy, *, dry_run: bool, lock_timeout: float = 0.0
) -> pruning.PruneResult:
    state = project.state()
    with state.lock("artifacts prune", lock_timeout):
        return pruning.prune(state, _stores(project, state), policy, dry_run=dry_run)


def delete_runs(
    project: Project,
    refs: Sequence[str],
    *,
    artifacts: bool,
    force: bool,
    lock_timeout: float = 0.0,
) -> pruning.PruneResult:
    state = project.state()
    with state.lock("runs delete", lock_timeout):
        runs = _deletable(state, refs, force)
        stores = _stores(project, state) if artifacts else {}
        return pruning.delete_runs(state, stores, runs, artifacts=artifacts)


def _deletable(state: StateStore, refs: Sequence[str], force: bool) -> list[Run]:
    at = database_now(state)
    runs: dict[str, Run] = {}
    models = {
        mv.run_id: f"{mv.model}:{mv.version}"
        for m in state.models()
        for mv in state.model_versions(m.name)
    }
    for ref in refs:
        run = state.run(ref)  # NotFoundError for an unknown or ambiguous id
        if effective_status(run, at) == "running":
            raise StackctlError(
                f"run {run.id[:8]} is still running: it cannot be deleted",
                hint="wait for it to end (or stop it), then delete it",
            )
        if run.id in models and not force:
            raise StackctlError(
                f"run {run.id[:8]} made model version {models[run.id]}: deleting it "
                "leaves that version without its run",
                hint=f"delete it anyway with `stackctl runs delete {run.id[:8]} --force`",
            )
        runs[run.id] = run
    return list(runs.values())


def _stores(project: Project, state: StateStore) -> dict[str, ArtifactStore | str]:
    """Declared artifact stores runs used (name -> store, or why it cannot be swept)."""
    from stackctl.components.registry import get_flavor
    from stackctl.config.secrets import Secrets, reveal

    names: set[str] = set()
    with contextlib.suppress(StackctlError):  # an unknown active stack: runs' stores only
        names.add(project.stack(project.active_stack()).components["artifact_store"])
    for run in state.runs(limit=1 << 31):
        snapshot = run.stack_snapshot.get("components", {}).get("artifact_store", {})
        names.add(str(snapshot.get("name", "default")))
    found: dict[str, ArtifactStore | str] = {}
    secrets = Secrets(project.root)
    for name in sorted(names):
        spec = project.spec.components.get(f"artifact_store.{name}")
        if spec is None:
            found[name] = "it is no longer declared (restore it in stacks/*.yaml to prune it)"
            continue
        config = reveal(dict(spec.config), secrets, f"artifact_store.{name}")
        found[name] = get_flavor("artifact_store", spec.flavor).load()(name, config, project.root)
    return found
