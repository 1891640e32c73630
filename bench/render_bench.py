"""How long a 10,000-resource plan takes to render as text, JSON and markdown.

    .venv/bin/python bench/render_bench.py [--resources N] [--repeat R]

Builds one plan in memory (creates, updates, moves, destroys and forgets mixed, each
resource with a few attributes), then times each rendering (best of R). The figures go
to bench/README.md, "Plan rendering"; nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from stackctl.cli.plan_markdown import LIMIT, render_markdown
from stackctl.cli.plan_render import render_text
from stackctl.engine.plan import make_plan
from stackctl.engine.planjson import plan_json
from stackctl.model import Lifecycle, MovedBlock, RemovedBlock, Resource, State


def _res(address: str, config: dict[str, object]) -> Resource:
    type_, _, name = address.partition(".")
    return Resource(address, type_, name, "local", config, {}, Lifecycle(), ())


def build(n: int):  # type: ignore[no-untyped-def]
    """A plan over ``n`` artifact stores: a fifth each created, updated, moved, destroyed,
    forgotten."""
    recorded: dict[str, Resource] = {}
    desired: dict[str, Resource] = {}
    moved, removed = [], []
    for i in range(n):
        kind = i % 5
        config = {"path": f".stackctl/s{i}", "opts": {"a": i, "b": "x" * 20}}
        if kind == 0:
            desired[f"artifact_store.s{i}"] = _res(f"artifact_store.s{i}", config)
        elif kind == 1:
            recorded[f"artifact_store.s{i}"] = _res(f"artifact_store.s{i}", config)
            desired[f"artifact_store.s{i}"] = _res(
                f"artifact_store.s{i}", {**config, "opts": {"a": -i}}
            )
        elif kind == 2:
            recorded[f"artifact_store.old{i}"] = _res(f"artifact_store.old{i}", config)
            desired[f"artifact_store.s{i}"] = _res(f"artifact_store.s{i}", config)
            moved.append(MovedBlock(f"artifact_store.old{i}", f"artifact_store.s{i}"))
        elif kind == 3:
            recorded[f"artifact_store.s{i}"] = _res(f"artifact_store.s{i}", config)
        else:
            recorded[f"artifact_store.s{i}"] = _res(f"artifact_store.s{i}", config)
            removed.append(RemovedBlock(f"artifact_store.s{i}", False))
    return make_plan(desired, State("L", 1, recorded), moved=moved, removed=removed)


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plan_s, plan = best(lambda: build(args.resources), 1)
    print(
        f"plan of {args.resources} resources: {len(plan.changes)} changes, built in {plan_s:.2f} s"
    )
    text_s, text = best(lambda: render_text(plan), args.repeat)
    json_s, doc = best(lambda: json.dumps(plan_json(plan)), args.repeat)
    md_s, md = best(lambda: render_markdown(plan), args.repeat)
    assert isinstance(md, str) and len(md) < LIMIT
    print(f"text      {text_s:6.3f} s  {len(str(text)):>10,} chars")
    print(f"json      {json_s:6.3f} s  {len(str(doc)):>10,} chars")
    print(f"markdown  {md_s:6.3f} s  {len(md):>10,} chars (truncated: {'Truncated' in md})")


if __name__ == "__main__":
    main()
