"""Running pipelines for users: picks the stack, checks it is applied, resolves secrets.

Both `stackctl run NAME` and calling an SDK ``@pipeline`` (``python run.py``) come
through here, so they behave the same. Progress is reported through ``logging`` (logger
``stackctl``) with the run, stack and step in every line.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.errors import NotFoundError, RunCancelled, StackctlError
from stackctl.model import DEFAULT_STACK, PipelineSpec, Run, RunStatus, StepRun, cache_source
from stackctl.project import STACK_ENV, Project, find_root
from stackctl.project_cache import use_spec_cache

if TYPE_CHECKING:
    from stackctl.runtime.sdk import RunOptions
    from stackctl.runtime.stack import ActiveStack

log = logging.getLogger("stackctl")


def stack_for(project: Project, pipeline: PipelineSpec, override: str | None) -> str:
    """--stack, then $STACKCTL_STACK, then the pipeline's `stack:`, then the active stack."""
    if override is not None:
        return override
    if os.environ.get(STACK_ENV):
        return os.environ[STACK_ENV]
    if pipeline.stack:
        return pipeline.stack
    return project.active_stack()


def active_stack(project: Project, name: str) -> ActiveStack:
    """Instantiate a declared stack for a run; it must be applied (except `default`)."""
    from stackctl.config.secrets import Secrets, reveal
    from stackctl.runtime.stack import build_stack

    spec = project.spec
    declared = project.stack(name)
    if name != DEFAULT_STACK and f"stack.{name}" not in project.state().read().resources:
        raise StackctlError(
            f"stack {name!r} is declared but not applied",
            hint="run `stackctl plan` and `stackctl apply` first",
        )
    secrets = Secrets(project.root)
    _refuse_drift(project, name, secrets)

    def resolve(config: Mapping[str, Any]) -> Mapping[str, Any]:
        return dict(reveal(dict(config), secrets, f"stack {name!r}"))

    return build_stack(declared, spec.stack_components(name), project.root, resolve)


def _refuse_drift(project: Project, name: str, secrets: Any) -> None:
    """A run on a stack whose real resources are gone would fail late or silently
    recreate them outside plan/apply; say so up front (a stat or HEAD per component)."""
    from stackctl.model import State

    state = project.state().read()
    wanted = {f"{t}.{c}" for t, c in project.spec.stacks[name].components.items()}
    mine = {a: r for a, r in state.resources.items() if a in wanted}
    if not mine:  # nothing applied (the default stack): nothing to refresh, no import
        return
    from stackctl.engine.refresh import refresh

    drifted = refresh(State(state.lineage, state.serial, mine), project.root, secrets)
    if drifted:
        what = "; ".join(f"{d.address}: {d.detail}" for d in drifted)
        raise StackctlError(
            f"stack {name!r} has drifted from state ({what})",
            hint="run `stackctl plan` to see the drift and `stackctl apply` to fix it",
        )


def run(
    project: Project,
    pipeline: str | PipelineSpec,
    *,
    stack: str | None = None,
    params: Mapping[str, Any] | None = None,
    cache: bool = True,
    on_event: Callable[[StepRun], None] | None = None,
) -> Run:
    """Run a declared pipeline (by name) or a compiled one on the chosen stack."""
    from stackctl.runtime.run import run_pipeline
    from stackctl.startup import freeze_startup

    spec = _pipeline(project, pipeline) if isinstance(pipeline, str) else pipeline
    stack_name = stack_for(project, spec, stack)
    active = active_stack(project, stack_name)
    # the run machinery, the project and its stack are loaded: start-up state from here
    freeze_startup("run")
    return run_pipeline(
        spec,
        active,
        project.state(),
        root=project.root,
        params=dict(params or {}),
        cache=cache,
        on_event=on_event,
    )


def pipeline_for(project: Project, name: str) -> PipelineSpec:
    """A declared pipeline by name, or a ``@pipeline`` function by ``MODULE:FUNCTION``
    (imported from the project root; see runtime/source.py)."""
    return _pipeline(project, name)


def _pipeline(project: Project, name: str) -> PipelineSpec:
    from stackctl.runtime.source import is_source_ref, load_pipeline

    pipelines = project.spec.pipelines
    if name not in pipelines and is_source_ref(name):
        return load_pipeline(name, project.root)
    if name not in pipelines:
        from stackctl.config.schema import closest

        if project.implicit:
            raise NotFoundError(
                f"pipeline {name!r} is not declared: this folder is not a project",
                hint="run a @pipeline function as MODULE:FUNCTION (e.g. run:training for "
                "run.py), or run `stackctl init` and declare it in pipelines/*.yaml",
            )
        known = ", ".join(sorted(pipelines)) or "none declared"
        raise NotFoundError(
            f"pipeline {name!r} is not declared",
            hint=closest(name, list(pipelines)) or f"pipelines: {known}",
        )
    return pipelines[name]


def log_event(step: StepRun) -> None:
    """One log line per step state change, naming the run, stack and step."""
    if step.status in (RunStatus.PENDING,):
        return
    duration = f" in {step.duration_s:.2f}s" if step.duration_s is not None else ""
    source = cache_source(step.run_id, step.step, step.cached_from)
    extra = f" (from {source})" if source else ""
    error = f": {step.error}" if step.error else ""
    log.info("step %s %s%s%s%s", step.step, step.status.value, duration, extra, error)


def launch_pipeline(spec: PipelineSpec, options: RunOptions) -> Run:
    """What calling an SDK pipeline does: run it in the project around the caller."""
    install_excepthook()
    project = _project_for_script()
    try:
        stack_name = stack_for(project, spec, options.stack)
        handler = _stderr_handler()
        log.info("running pipeline %s on stack %s", spec.name, stack_name)

        def event(step: StepRun) -> None:
            if handler.formatter is not formatters.get(step.run_id):  # once per run
                handler.setFormatter(
                    formatters.setdefault(
                        step.run_id,
                        logging.Formatter(
                            f"[stackctl] run {step.run_id[:8]} | stack {stack_name} | %(message)s"
                        ),
                    )
                )
            log_event(step)

        formatters: dict[str, logging.Formatter] = {}

        from stackctl.lines import streaming

        # a script's steps print like `stackctl run`'s do: `step | line` on stderr
        with streaming(_print_line):
            result = run(
                project,
                spec,
                stack=stack_name,
                params=options.params,
                cache=options.cache,
                on_event=event,
            )
        handler.setFormatter(logging.Formatter("[stackctl] %(message)s"))
        log.info("run %s on stack %s: %s", result.id[:8], result.stack, result.status.value)
        return result
    finally:
        project.close()


def _print_line(step: str, line: str) -> None:
    sys.stderr.write(f"{step} | {line}\n")
    sys.stderr.flush()


def _project_for_script() -> Project:
    """The project around the current folder, else around the script; outside any
    project, the current folder on the default stack (zero configuration)."""
    try:
        root = find_root(Path.cwd())
    except NotFoundError:
        main = getattr(sys.modules.get("__main__"), "__file__", None)
        try:
            if main is None:
                raise
            root = find_root(Path(main).parent)
        except NotFoundError:
            outside = Project.outside(Path.cwd())
            note = outside.note_implicit()
            if note:
                _stderr_handler()
                log.info("%s", note)
            return outside
    project = Project.discover(root)  # $STACKCTL_ENV too
    use_spec_cache(project)
    return project


def install_excepthook() -> None:
    """In a script (`python run.py`), show a StackctlError as the CLI does: one located
    message with its hint, not a traceback (STACKCTL_DEBUG=1 keeps the traceback)."""
    previous = sys.excepthook
    if getattr(previous, "_stackctl", False):
        return

    def hook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        if os.environ.get("STACKCTL_DEBUG"):
            previous(kind, exc, tb)
        elif isinstance(exc, StackctlError):
            sys.stderr.write(exc.render() + "\n")
        elif isinstance(exc, KeyboardInterrupt):
            # Ctrl-C: the run loop already recorded the run cancelled; the interpreter
            # still exits as killed by SIGINT (status 130), as the CLI does. A stop
            # inside a pipeline call carries its RunCancelled as the context
            # (runtime.sdk re-raises it as a plain KeyboardInterrupt): the last line
            # then names the run, like the CLI's `run ID on stack S: cancelled`.
            stop = exc.__context__
            sys.stderr.write(
                "interrupted: the run is recorded as cancelled; run it again and its "
                "finished steps come from the cache\n"
            )
            if isinstance(stop, RunCancelled):
                sys.stderr.write(f"run {stop.run_id} on stack {stop.stack}: cancelled\n")
        else:
            previous(kind, exc, tb)

    hook._stackctl = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def _stderr_handler() -> logging.Handler:
    for handler in log.handlers:
        if getattr(handler, "_stackctl", False):
            return handler
    handler = logging.StreamHandler(sys.stderr)
    handler._stackctl = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("[stackctl] %(message)s"))
    log.addHandler(handler)
    if log.level == logging.NOTSET:  # a level the user set (e.g. WARNING: quiet) stays
        log.setLevel(logging.INFO)
    log.propagate = False
    return handler


def artifact_store_of(project: Project, run_record: Run) -> Any:
    """The artifact store a past run wrote to, built from the current declaration of the
    component its stack snapshot names (secrets resolved), for reading its artifacts."""
    from stackctl.components.registry import get_flavor
    from stackctl.config.secrets import Secrets, reveal

    snapshot = run_record.stack_snapshot.get("components", {}).get("artifact_store", {})
    name = snapshot.get("name", "default")
    spec = project.spec.components.get(f"artifact_store.{name}")
    if spec is None:
        raise NotFoundError(
            f"artifact store {name!r} used by run {run_record.id[:8]} is no longer declared",
            hint="restore its declaration in stacks/*.yaml to read the run's artifacts",
        )
    config = reveal(dict(spec.config), Secrets(project.root), f"artifact_store.{name}")
    return get_flavor("artifact_store", spec.flavor).load()(spec.name, config, project.root)
