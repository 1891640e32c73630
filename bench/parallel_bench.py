"""Parallel-overhead benchmark: per-step cost of ``local_parallel`` over ``local``.

    .venv/bin/python bench/parallel_bench.py [--repeat 3]

A throw-away project runs two pipelines on both orchestrators, ``--no-cache``: the iris
demo (pipelines/iris.py) and a 10-step chain whose steps import numpy, pandas and
sklearn. Step durations come from state (``runs show --json``: measured in the worker
around the step only); the figure is the median over runs of the median per-step
difference, then a cached run's per-step time. Target (issue 10 item 4): at most 50 ms
per step over ``local``, cache hits under 5 ms. A benchmark, not a test: it asserts
nothing and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from report import check_repeat, publish, scratch

REPO = Path(__file__).resolve().parent.parent
STACKCTL = str(Path(sys.executable).with_name("stackctl"))

STACKS = """\
components:
  orchestrator:
    local: {flavor: local}
    pool: {flavor: local_parallel, config: {max_workers: 4}}
  artifact_store:
    local: {flavor: local, config: {path: .stackctl/store}}
stacks:
  dev: {orchestrator: local, artifact_store: local}
  pool: {orchestrator: pool, artifact_store: local}
"""
CHAIN_STEP = """
def step_{i}(x: float) -> float:
    import numpy as np
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    frame = pd.DataFrame({{"a": np.arange(100.0) + x}})
    return float(StandardScaler().fit_transform(frame).sum()) + x + 1
"""


def project(root: Path) -> None:
    (root / "stackctl.yaml").write_text(
        "project: bench-parallel\ninclude: [stacks/*.yaml, pipelines/*.yaml]\n"
    )
    (root / "stacks").mkdir()
    (root / "stacks" / "local.yaml").write_text(STACKS)
    (root / "pipelines").mkdir()
    (root / "pipelines" / "__init__.py").write_text("")
    shutil.copy(REPO / "pipelines" / "iris.py", root / "pipelines" / "iris.py")
    (root / "pipelines" / "training.yaml").write_text(
        (REPO / "pipelines" / "training.yaml").read_text()
    )
    steps = "def start() -> float:\n    return 0.0\n" + "".join(
        CHAIN_STEP.format(i=i) for i in range(10)
    )
    (root / "pipelines" / "chain.py").write_text(steps)
    lines = [
        "pipelines:",
        "  chain:",
        "    steps:",
        '      s0: {function: "pipelines.chain:start"}',
    ]
    for i in range(10):
        lines.append(
            f'      c{i}: {{function: "pipelines.chain:step_{i}", '
            f"inputs: {{x: {'s0' if i == 0 else f'c{i - 1}'}.output}}}}"
        )
    (root / "pipelines" / "chain.yaml").write_text("\n".join(lines) + "\n")
    stackctl(root, "apply", "--auto-approve")


def stackctl(root: Path, *argv: str) -> str:
    done = subprocess.run([STACKCTL, *argv], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def step_times(
    root: Path, pipeline: str, stack: str, *extra: str, cached: bool = False
) -> dict[str, float]:
    stackctl(root, "run", pipeline, "--stack", stack, *extra)
    [run] = json.loads(stackctl(root, "runs", "list", "-n", "1", "--json"))
    shown = json.loads(stackctl(root, "runs", "show", run["id"], "--json"))
    misses = [s["step"] for s in shown["steps"] if cached and not s["cached_from"]]
    if misses:  # a "cache hit" figure from steps that ran would be a lie
        raise SystemExit(f"run {run['id']} was to be served from cache; ran: {misses}")
    return {s["step"]: s["duration_s"] or 0.0 for s in shown["steps"]}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite bench/README.md")
    args = parser.parse_args(argv)
    check_repeat(args.repeat)
    rows: list[str] = []
    with scratch("stackctl-parallel-bench-") as tmp:
        root = Path(tmp)
        project(root)
        for pipeline in ("training", "chain"):
            extra_ms, local_ms, pool_ms = [], [], []
            for _ in range(args.repeat):
                local = step_times(root, pipeline, "dev", "--no-cache")
                pool = step_times(root, pipeline, "pool", "--no-cache")
                # the median step: the first step on `local` also pays the in-process
                # imports that local_parallel does once before its workers fork
                local_ms.append(statistics.median(local.values()) * 1000)
                pool_ms.append(statistics.median(pool.values()) * 1000)
                extra_ms.append(
                    statistics.median(pool[name] - local[name] for name in local) * 1000
                )
            # every step a cache hit (checked in state), median of --repeat runs
            hits = [step_times(root, pipeline, "pool", cached=True) for _ in range(args.repeat)]
            hit_ms = statistics.median(statistics.median(c.values()) for c in hits) * 1000
            worst_ms = max(max(c.values()) for c in hits) * 1000
            extra = statistics.median(extra_ms)
            print(
                f"{pipeline:9} per step: local {statistics.median(local_ms):7.1f} ms, "
                f"local_parallel {statistics.median(pool_ms):7.1f} ms, "
                f"extra {extra:+7.1f} ms (target <= 50 ms); "
                f"cache hit {hit_ms:.1f} ms median, {worst_ms:.1f} ms max (target < 5 ms)"
            )
            rows.append(
                f"| {pipeline} | {statistics.median(local_ms):.1f} | "
                f"{statistics.median(pool_ms):.1f} | {extra:+.1f} | "
                f"{'yes' if extra <= 50 else 'NO'} | {hit_ms:.1f} / {worst_ms:.1f} | "
                f"{'yes' if worst_ms < 5 else 'NO'} |"
            )
    section = markdown(rows, args.repeat)
    publish("parallel", section, readme=not args.no_readme)


def markdown(rows: list[str], repeat: int) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "## Parallel overhead (`bench/parallel_bench.py`)",
        "",
        "```sh",
        f".venv/bin/python bench/parallel_bench.py --repeat {repeat}",
        "```",
        "",
        "`stackctl run PIPELINE --no-cache` on `local` and on `local_parallel` (4 workers),",
        "in turn; step durations from state (measured in the worker around the step only).",
        "*training* is the iris demo (pipelines/iris.py), *chain* 10 steps importing numpy,",
        "pandas and sklearn. *extra* = median over runs of the median per-step difference;",
        "*cache hit* = a cached run on `local_parallel`, median / max per step.",
        "",
        f"Figures of {time.strftime('%Y-%m-%d')}, {os.cpu_count()} vCPU, Python "
        f"{sys.version.split()[0]}, load average {load:.1f} when it finished.",
        "",
        "| pipeline | local ms/step | local_parallel ms/step | extra ms/step | <= 50 ms |"
        " cache hit ms (median / max) | < 5 ms |",
        "|---|---:|---:|---:|---|---:|---|",
        *rows,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
