"""Benchmark: whole-process `stackctl plan` / `apply` on generated projects.

    .venv/bin/python bench/plan_bench.py [--sizes 1000 10000 50000] [--keep DIR]

Each generated project has N resources in groups of five: four components (an
orchestrator `local`, an orchestrator `local_parallel`, an artifact store `local`, an
experiment tracker `mlflow`) and one stack using three of them; 500 groups per stack
file. For each size it measures, as separate processes (wall time and peak RSS):

- ``apply``: the first `stackctl apply --auto-approve` (everything is created),
- ``plan``: a no-op `stackctl plan --detailed-exitcode` after it (refresh on; the
  validated config comes from the per-checkout cache that apply left),
- ``plan, config cache cold``: the same after deleting that cache (the first plan
  after an edit: YAML read, validated and resolved again),
- ``plan --no-refresh``: the same without asking provisioners,
- ``floor``: a plain Python script that reads the same YAML files with ruamel (safe
  loader) and the state's resource rows from SQLite, and diffs the two as dicts:
  roughly the least any tool doing this job in Python must spend; ``floor: libyaml``
  does the same with PyYAML's C parser (what stackctl's fast path parses with).

Results are printed as a markdown table (paste into bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STACKCTL = str(Path(sys.executable).with_name("stackctl"))
GROUPS_PER_FILE = 500

FLOOR = r"""
import json, sqlite3, sys
from pathlib import Path
from ruamel.yaml import YAML
root = Path(sys.argv[1])
yaml = YAML(typ="safe")
desired = {}
for path in sorted((root / "stacks").glob("*.yaml")):
    data = yaml.load(path.read_text())
    for type_, named in data.get("components", {}).items():
        for name, body in named.items():
            desired[f"{type_}.{name}"] = [body["flavor"], body.get("config") or {}]
    for name, body in data.get("stacks", {}).items():
        desired[f"stack.{name}"] = [None, {"components": body}]
conn = sqlite3.connect(root / ".stackctl" / "state.db")
state = {a: [f, json.loads(c)] for a, f, c in conn.execute("SELECT address, flavor, config FROM resources")}
changed = [a for a in desired.keys() | state.keys() if desired.get(a) != state.get(a)]
print(len(desired), len(state), len(changed))
"""


# The same work with libyaml's C parser, which stackctl's own fast path uses: the
# honest floor for a cold plan.
FLOOR_LIBYAML = FLOOR.replace("from ruamel.yaml import YAML", "import yaml as _y").replace(
    'yaml = YAML(typ="safe")',
    "class _L:\n    load = staticmethod(lambda t: _y.load(t, Loader=_y.CSafeLoader))\nyaml = _L",
)


def generate(root: Path, resources: int) -> None:
    groups = max(1, resources // 5)
    (root / "stacks").mkdir(parents=True)
    (root / "stackctl.yaml").write_text("project: bench\ninclude: [stacks/*.yaml]\n")
    for start in range(0, groups, GROUPS_PER_FILE):
        lines = ["components:", "  orchestrator:"]
        ids = range(start, min(groups, start + GROUPS_PER_FILE))
        for i in ids:
            lines.append(f"    o{i}: {{flavor: local}}")
            lines.append(
                f"    p{i}: {{flavor: local_parallel, config: {{max_workers: {1 + i % 8}}}}}"
            )
        lines.append("  artifact_store:")
        lines += [f"    a{i}: {{flavor: local, config: {{path: .stackctl/art/a{i}}}}}" for i in ids]
        lines.append("  experiment_tracker:")
        lines += [f"    t{i}: {{flavor: mlflow, config: {{experiment: e{i}}}}}" for i in ids]
        lines.append("stacks:")
        lines += [
            f"  s{i}: {{orchestrator: o{i}, artifact_store: a{i}, experiment_tracker: t{i}}}"
            for i in ids
        ]
        (root / "stacks" / f"g{start // GROUPS_PER_FILE:04d}.yaml").write_text(
            "\n".join(lines) + "\n"
        )


def measure(args: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"{' '.join(args)} exited {code}: {proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return wall, usage.ru_maxrss / 1024  # Linux reports KiB


def bench(size: int, keep: Path | None) -> list[tuple[str, float, float]]:
    root = Path(tempfile.mkdtemp(prefix=f"stackctl-bench-{size}-", dir=keep))
    try:
        generate(root, size)
        rows = [("apply (create all)", *measure([STACKCTL, "apply", "--auto-approve"], root))]
        rows.append(("plan (no-op)", *measure([STACKCTL, "plan", "--detailed-exitcode"], root)))
        # The same with the validated-config cache (.stackctl/cache) dropped: what the
        # first plan after any edit to the YAML costs.
        shutil.rmtree(root / ".stackctl" / "cache", ignore_errors=True)
        rows.append(
            (
                "plan (no-op), config cache cold",
                *measure([STACKCTL, "plan", "--detailed-exitcode"], root),
            )
        )
        rows.append(
            (
                "plan --no-refresh (no-op)",
                *measure([STACKCTL, "plan", "--no-refresh", "--detailed-exitcode"], root),
            )
        )
        rows.append(
            ("floor: YAML + dict diff", *measure([sys.executable, "-c", FLOOR, str(root)], root))
        )
        rows.append(
            (
                "floor: libyaml + dict diff",
                *measure([sys.executable, "-c", FLOOR_LIBYAML, str(root)], root),
            )
        )
        return rows
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--keep", type=Path, help="generate projects here and keep them")
    args = parser.parse_args()
    print("| resources | operation | wall (s) | peak RSS (MiB) |")
    print("| ---: | --- | ---: | ---: |")
    for size in args.sizes:
        for name, wall, rss in bench(size, args.keep):
            print(f"| {size:,} | {name} | {wall:.2f} | {rss:.0f} |", flush=True)


if __name__ == "__main__":
    main()
