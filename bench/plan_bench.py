"""Benchmark: whole-process `stackctl plan` / `apply` on generated projects.

    .venv/bin/python bench/plan_bench.py [--sizes 1000 10000 50000] [--repeat 3]
        [--keep DIR] [--no-readme]

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

Each operation is measured ``--repeat`` times (every apply on a fresh state), the
median quoted with its min-max. The section of bench/README.md between the
``plan-bench`` markers is rewritten from these figures (``--no-readme`` leaves it).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from report import Load, Sample, check_repeat, fenced, machine_line, publish, run_process

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


OPERATIONS = (
    "apply (create all)",
    "plan (no-op)",
    "plan (no-op), config cache cold",
    "plan --no-refresh (no-op)",
    "floor: YAML + dict diff",
    "floor: libyaml + dict diff",
)
FLOOR_OP = OPERATIONS[-1]  # the honest floor: the parser stackctl's fast path uses
PLAN = [STACKCTL, "plan", "--detailed-exitcode"]


@dataclass
class Figures:
    """Wall seconds and peak RSS (MiB) of every run, per operation."""

    wall: dict[str, list[float]]
    rss: dict[str, list[float]]

    def add(self, operation: str, argv: list[str], root: Path) -> None:
        done = run_process(argv, root)
        self.wall.setdefault(operation, []).append(done.wall)
        self.rss.setdefault(operation, []).append(done.rss_mib)


def bench(size: int, repeat: int, keep: Path | None) -> Figures:
    root = Path(tempfile.mkdtemp(prefix=f"stackctl-bench-{size}-", dir=keep))
    figures = Figures({}, {})
    try:
        generate(root, size)
        for _ in range(repeat):
            # every round starts from nothing applied, so each apply creates everything
            shutil.rmtree(root / ".stackctl", ignore_errors=True)
            figures.add("apply (create all)", [STACKCTL, "apply", "--auto-approve"], root)
            figures.add("plan (no-op)", PLAN, root)
            # the validated-config cache dropped: the first plan after any YAML edit
            shutil.rmtree(root / ".stackctl" / "cache", ignore_errors=True)
            figures.add("plan (no-op), config cache cold", PLAN, root)
            figures.add("plan --no-refresh (no-op)", [*PLAN, "--no-refresh"], root)
            figures.add("floor: YAML + dict diff", [sys.executable, "-c", FLOOR, str(root)], root)
            figures.add(FLOOR_OP, [sys.executable, "-c", FLOOR_LIBYAML, str(root)], root)
        return figures
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def growth(small: int, large: int, a: Sample, b: Sample) -> str:
    """``x4.9 (4.2-5.6)``: the median ratio, and the widest ratio the ranges allow."""
    return f"x{b.median / a.median:.1f} ({b.min / a.max:.1f}-{b.max / a.min:.1f})"


def linearity(factor: float, pairs: list[tuple[Sample, Sample]]) -> str:
    """What the ranges allow one to say of the growth (25 % over linear is allowed)."""
    bound = 1.25 * factor
    if all(b.max / a.min <= bound for a, b in pairs):
        return "no worse than linear"
    if any(b.min / a.max > bound for a, b in pairs):
        return "worse than linear, even at the ends of the ranges most in its favour"
    return (
        "the ranges are too wide to say whether that is linear (noise: compare the "
        "floor's own growth)"
    )


def render(results: dict[int, Figures], argv: Sequence[str], repeat: int, load: Load) -> str:
    lines = [
        "## Plan / apply (`bench/plan_bench.py`)",
        "",
        *fenced(" ".join([".venv/bin/python bench/plan_bench.py", *argv])),
        "",
        "Generated projects of N resources in groups of five (four components: orchestrator",
        "`local`, orchestrator `local_parallel`, artifact store `local`, experiment tracker",
        "`mlflow`; one stack using three of them), 500 groups per stack file. Each figure is",
        "one whole `stackctl` process (interpreter start, config load and validation, state",
        "read, refresh, diff, rendering): wall time and peak RSS; every apply starts from an",
        "empty state. *plan* reads the validated config from the per-checkout cache that the",
        "apply before it left; *config cache cold* deletes that cache first (the first plan",
        "after an edit). **Floor** (measured in the same run): a plain Python script that",
        "reads the same YAML and the state rows from SQLite and diffs them as dicts, with",
        "ruamel's pure-Python safe loader (*floor: YAML*) or PyYAML's C parser (*floor:",
        "libyaml*, what stackctl's own fast path parses with: the honest floor, and the",
        "one the last column divides by).",
        "",
        machine_line(repeat, load),
        "",
        "| resources | operation | wall (s) | min-max (s) | peak RSS (MiB) | x floor |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    samples: dict[tuple[int, str], Sample] = {}
    for size, figures in results.items():
        floor = Sample.of(figures.wall[FLOOR_OP]).median
        for op in OPERATIONS:
            wall = samples[size, op] = Sample.of(figures.wall[op])
            rss = Sample.of(figures.rss[op]).median
            ratio = "" if op.startswith("floor") else f"{wall.median / floor:.1f}"
            lines.append(
                f"| {size:,} | {op} | {wall.median:.2f} | {wall.span()} | {rss:.0f} | {ratio} |"
            )
    sizes = sorted(results)
    lines.append("")
    if 10000 in results:
        plan, cold = samples[10000, "plan (no-op)"], samples[10000, OPERATIONS[2]]
        met = (
            "met" if plan.max <= 2.0 else ("met by the median" if plan.median <= 2.0 else "NOT met")
        )
        lines.append(
            f"**Target** (no-op plan of 10,000 resources in at most 2 s, whole process): "
            f"**{met}**, {plan.median:.2f} s ({plan.span()}); "
            f"{cold.median:.2f} s with a cold config cache."
        )
    if len(sizes) >= 2:
        small, large = sizes[-2], sizes[-1]
        parts = [
            f"{label} {growth(small, large, samples[small, op], samples[large, op])}"
            for label, op in (
                ("plan", "plan (no-op)"),
                ("cold plan", OPERATIONS[2]),
                ("apply", "apply (create all)"),
                ("floor", FLOOR_OP),
            )
        ]
        shape = linearity(
            large / small, [(samples[small, op], samples[large, op]) for op in OPERATIONS[:3]]
        )
        lines += [
            "",
            f"Growth from {small:,} to {large:,} resources (x{large / small:g}), by the "
            f"medians (in brackets the widest the min-max ranges allow): {', '.join(parts)}: "
            f"{shape}.",
        ]
    lines += ["", "Earlier figures and what changed for them: [HISTORY.md](HISTORY.md)."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--keep", type=Path, help="generate projects here and keep them")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args(argv)
    check_repeat(args.repeat)
    load = Load()
    results = {}
    for size in args.sizes:
        results[size] = bench(size, args.repeat, args.keep)
        print(f"{size:,} resources measured", flush=True)
    shown = ["--sizes", *map(str, args.sizes), "--repeat", str(args.repeat)]
    section = render(results, shown, args.repeat, load)
    publish("plan", section, readme=not args.no_readme)


if __name__ == "__main__":
    main()
