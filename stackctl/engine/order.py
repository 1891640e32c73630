"""Dependency order and --target/--exclude selection over ``address -> depends_on``.

The resource graph is shallow and layered (components -> stacks -> pipelines), so a
depth per node gives a valid topological order without building a networkx graph on
every plan (a no-op plan of 10,000 resources must stay well under a second).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stackctl.engine.changes import PlanOptions

Deps = Mapping[str, Sequence[str]]


def depths(deps: Deps) -> dict[str, int]:
    """0 for a node with no dependency, else 1 + the deepest dependency."""
    found: dict[str, int] = {}

    def depth(node: str, seen: frozenset[str]) -> int:
        if node in found:
            return found[node]
        if node in seen:  # cannot happen for valid configs; never loop forever
            return 0
        below = [depth(d, seen | {node}) for d in deps.get(node, ())]
        found[node] = 1 + max(below) if below else 0
        return found[node]

    for node in deps:
        depth(node, frozenset())
    return found


def _closure(starts: Sequence[str], step: Mapping[str, Sequence[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(step.get(node, ()))
    return seen


def select(deps: Deps, options: PlanOptions) -> set[str] | None:
    """The addresses a plan may touch, or None for all of them.

    ``--target`` keeps its dependencies too (Terraform), or with ``--destroy`` its
    dependents (what depends on a destroyed thing goes first); ``--exclude`` drops the
    address and everything depending on it.
    """
    if not options.targets and not options.excludes:
        return None
    dependents: dict[str, list[str]] = {}
    for node, ds in deps.items():
        for d in ds:
            dependents.setdefault(d, []).append(node)
    nodes = set(deps) | set(dependents)
    if options.targets:
        walk = dependents if options.destroy else deps
        nodes = _closure(options.targets, walk)
    if options.excludes:
        nodes -= _closure(options.excludes, dependents)
    return nodes
