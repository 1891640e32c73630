"""No import cycles inside the stackctl package.

Why a grimp test rather than an import-linter contract: import-linter's contracts
(layers, independence, forbidden) say which modules may import which, so ruling out
cycles among the ~30 modules of config/ alone would mean listing every module as a
layer or an independent peer, and every new module would need a contract edit. A cycle
is a property of the whole graph, so this asks grimp (the graph library import-linter is
built on, already installed with it) for the package's graph and fails on any strongly
connected component larger than one module. Imports under ``if TYPE_CHECKING:`` and
inside functions count: they are circles a reader has to untangle all the same (the
build.py <-> steps.py circle was one of each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import grimp


def cycles(modules: Iterable[str], imported_by: Callable[[str], Iterable[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            child = next(edges, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_package_has_no_import_cycles() -> None:
    graph = grimp.build_graph("stackctl", cache_dir=None)
    found = cycles(graph.modules, graph.find_modules_directly_imported_by)
    assert not found, "import cycles (move the shared piece to a module of its own): " + (
        "; ".join(" <-> ".join(c) for c in found)
    )


def test_a_cycle_is_found() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": set()}
    assert cycles(edges, lambda m: edges[m]) == [["a", "b", "c"]]


def test_the_old_build_steps_circle_would_be_found() -> None:
    # the graph as it was: a function-level import one way, a TYPE_CHECKING one back
    graph = grimp.ImportGraph()
    graph.add_import(importer="stackctl.config.build", imported="stackctl.config.steps")
    graph.add_import(importer="stackctl.config.steps", imported="stackctl.config.build")
    graph.add_import(importer="stackctl.config.load", imported="stackctl.config.build")
    found = cycles(graph.modules, graph.find_modules_directly_imported_by)
    assert found == [["stackctl.config.build", "stackctl.config.steps"]]
