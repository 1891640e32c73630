"""A project's validated spec from the per-checkout cache, when that is what a full load
would give (stackctl.spec_cache keeps it; this says when to take it).

A module of its own, above project.py and spec_cache.py (which may not import each
other), and light: the CLI's read commands take it without importing the run machinery.
"""

from __future__ import annotations

from stackctl.project import Project


def use_spec_cache(project: Project) -> None:
    """Give ``project`` its validated spec from ``.stackctl/cache/`` (stackctl.spec_cache)
    when a full load would give the same: the one rule for `python run.py` (launch.py)
    and the CLI. A full load imports ruamel, jsonschema and OmegaConf and validates every file (~0.2 s
    of a 0.4 s `stackctl runs list`). The cache's key covers every file the load reads,
    the environment variables they name and stackctl's code; an invalid project is never
    cached (it fails on first use as before). Not with --var, --var-file or an
    environment (not in the key), and not when the project declares `source:`
    pipelines: their steps come from Python files the key does not cover."""
    plain = not project.var_overrides and not project.var_files and project.env is None
    if project.implicit or not plain or project.loaded:
        return
    from stackctl.spec_cache import load_cached

    spec = load_cached(project.root, lambda: project.spec)
    if not any(p.source for p in spec.pipelines.values()):
        project.adopt(spec)
