"""Peers benchmark: stackctl, Hamilton, Kedro and ZenML on the same chain, in one run.

    .venv/bin/python bench/peers_bench.py [--repeat 5] [--no-zenml] [--no-readme]

The chain is issue 10's: n trivial steps, each taking the previous step's output, every
output persisted (stackctl: `python run.py` as bench/runtime_bench.py writes it, local
artifact store and SQLite state in a folder made by `stackctl init`; Hamilton: its
caching adapter, results on disk and metadata in SQLite; Kedro: a PickleDataset file per
output, SequentialRunner; ZenML: its default stack, caching off; floor: plain Python
pickling each output to a file). Each figure is a whole process on a salt never used
before, so nothing is cached.

The runs go in rounds: each round runs every tool once at each size, in a rotated order,
so a tool's median and the floor's come from the same minutes (this machine's speed
moves by up to 2x within minutes). The peers live in their own venv, bench/.peers,
made with uv from bench/peers/requirements.txt on the first run. ZenML takes ~15-20 s a
run, so it gets 3 rounds of the 100-step chain only.

A benchmark, not a test: it prints the figures and rewrites its section of
bench/README.md (between the ``peers-bench`` markers) unless ``--no-readme``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from report import (
    Disk,
    Load,
    Process,
    Sample,
    check_repeat,
    compare,
    fenced,
    machine_line,
    publish,
    run_process,
    scratch,
)
from runtime_bench import FLOOR_SCRIPT, RUN_SCRIPT, STACKCTL, steps_module

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
VENV = HERE / ".peers"
SIZES = (100, 500)
ZENML_ROUNDS = 3


@dataclass
class Tool:
    """One contender: how to run a chain of ``n`` steps on ``salt`` into ``out``."""

    name: str
    python: str
    script: str
    cwd: Path
    sizes: tuple[int, ...] = SIZES
    rounds: int | None = None  # None: every round
    runs: dict[int, list[Process]] = field(default_factory=dict)

    def argv(self, n: int, salt: int, out: Path) -> list[str]:
        if self.script == "run.py":  # stackctl's SDK script (runtime_bench.RUN_SCRIPT)
            return [self.python, "run.py", "chain", str(n), str(salt), "nocache"]
        if self.script == "floor.py":
            return [self.python, "floor.py", "chain", str(n), str(out)]
        if self.script == "zenml_chain.py":
            return [self.python, self.script, str(n), str(salt)]
        return [self.python, self.script, str(n), str(salt), str(out)]

    def wall(self, n: int) -> Sample:
        return Sample.of(p.wall for p in self.runs[n])

    def cpu(self, n: int) -> float:
        return statistics.median(p.cpu for p in self.runs[n])

    def rss(self) -> float:
        return max(p.rss_mib for runs in self.runs.values() for p in runs)


def peers_python() -> str:
    """The peers' interpreter, installing them on first use (pinned, with uv)."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    wanted = (PEERS / "requirements.txt").read_text()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return str(python)
    uv = HERE.parent / ".uv" / "bin" / "uv"
    uv_cmd = str(uv) if uv.exists() else (shutil.which("uv") or "")
    if not uv_cmd:
        raise SystemExit("no uv to install the peers with: run `make .uv/bin/uv` first")
    print(f"installing the peers into {VENV} (once)", flush=True)
    subprocess.run([uv_cmd, "venv", "-q", "--python", sys.executable, str(VENV)], check=True)
    requirements = str(PEERS / "requirements.txt")
    install = [uv_cmd, "pip", "install", "-q", "--python", str(python), "-r", requirements]
    subprocess.run(install, check=True)
    stamp.write_text(wanted)
    return str(python)


def versions(python: str) -> str:
    code = (
        "from importlib.metadata import version as v; "
        "print(', '.join(f'{p} {v(p)}' for p in ('sf-hamilton', 'kedro', 'zenml')))"
    )
    return subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()


def setup(root: Path, env: dict[str, str], peer: str, zenml: bool) -> list[Tool]:
    project = root / "stackctl"
    project.mkdir()
    run_process([STACKCTL, "init"], project, env)
    (project / "steps.py").write_text(steps_module(2))
    (project / "run.py").write_text(RUN_SCRIPT)
    (project / "floor.py").write_text(FLOOR_SCRIPT)
    tools = [
        Tool("plain-Python floor", sys.executable, "floor.py", project),
        Tool("stackctl (`local`)", sys.executable, "run.py", project),
        Tool("Hamilton", peer, str(PEERS / "hamilton_chain.py"), root / "hamilton"),
        Tool("Kedro", peer, str(PEERS / "kedro_chain.py"), root / "kedro"),
    ]
    if zenml:  # ZenML wants its script inside its repository (`zenml init`)
        folder = root / "zenml"
        folder.mkdir()
        shutil.copy(PEERS / "zenml_chain.py", folder)
        run_process([str(Path(peer).with_name("zenml")), "init"], folder, env)
        tools.append(Tool("ZenML", peer, "zenml_chain.py", folder, (100,), ZENML_ROUNDS))
    for tool in tools:
        tool.cwd.mkdir(exist_ok=True)
        # warm-up: byte-code compiled, stores and state databases created
        run_process(tool.argv(3, -1, root / "warm" / tool.cwd.name), tool.cwd, env)
    return tools


def measure(repeat: int, zenml: bool) -> tuple[list[Tool], str, str]:
    peer = peers_python()
    with scratch("stackctl-peers-") as tmp:
        root = Path(tmp)
        disk = Disk(root)
        env = {k: v for k, v in os.environ.items() if k not in ("STACKCTL_STACK",)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")  # byte-code as after an install
        env["ZENML_CONFIG_PATH"] = str(root / "zenml-config")  # not the user's ZenML
        env["ZENML_ANALYTICS_OPT_IN"] = "false"  # no network
        env["KEDRO_DISABLE_TELEMETRY"] = env["DO_NOT_TRACK"] = "true"
        tools = setup(root, env, peer, zenml)
        salt = 0
        for round_ in range(repeat):
            shift = round_ % len(tools)
            for tool in tools[shift:] + tools[:shift]:  # rotated: no tool always first
                if tool.rounds is not None and round_ >= tool.rounds:
                    continue
                for n in tool.sizes:
                    salt += 1_000_000
                    out = root / "out" / f"{tool.cwd.name}-{salt}"
                    done = run_process(tool.argv(n, salt, out), tool.cwd, env)
                    tool.runs.setdefault(n, []).append(done)
        disk_line = disk.sentence()
    return tools, versions(peer), disk_line


def markdown(tools: list[Tool], repeat: int, load: Load, peers: str, disk: str) -> str:
    floor, ours = tools[0], tools[1]
    zenml_note = f" ZenML: {ZENML_ROUNDS} runs, 100 steps only." if len(tools) > 4 else ""
    lines = [
        "## Peers (`bench/peers_bench.py`)",
        "",
        *fenced(f".venv/bin/python bench/peers_bench.py --repeat {repeat}"),
        "",
        "The chain of issue 10: n trivial steps, each loading the previous step's output,",
        "every output persisted; each figure a whole process (interpreter, imports, run,",
        "exit) on a salt never used before. stackctl: `python run.py` in a folder made by",
        "`stackctl init` (SQLite state, local artifact store). Hamilton: its caching",
        "adapter (results on disk, metadata in SQLite). Kedro: a `PickleDataset` per",
        "output, `SequentialRunner`. ZenML: its default stack, caching off. Floor: plain",
        "Python pickling each output to a file. The tools run in rounds, each round every",
        "tool once per size in a rotated order, so all medians come from the same minutes.",
        f"Peers: {peers} (bench/peers/requirements.txt), in their own venv.",
        "Per step = (500-step - 100-step) / 400.",
        "",
        machine_line(repeat, load) + zenml_note + f" Disk: {disk}.",
        "",
        "| tool | 100 steps s | min-max | CPU s | x floor | 500 steps s | per step ms | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tool in tools:
        w100 = tool.wall(100)
        cells = [
            tool.name,
            f"{w100.median:.3f}",
            w100.span(3),
            f"{tool.cpu(100):.3f}",
            f"{w100.median / floor.wall(100).median:.1f}x",
        ]
        if 500 in tool.runs:
            w500 = tool.wall(500)
            cells += [f"{w500.median:.3f}", f"{(w500.median - w100.median) / 400 * 1000:.2f}"]
        else:
            cells += ["", ""]
        cells.append(f"{tool.rss():.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for peer in tools[2:]:
        lines.append(
            "- 100 steps: " + compare("stackctl", ours.wall(100), peer.name, peer.wall(100), 3)
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (median)")
    parser.add_argument("--no-zenml", action="store_true", help="leave ZenML out (~1 min)")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite bench/README.md")
    args = parser.parse_args(argv)
    check_repeat(args.repeat)
    load = Load()
    tools, peers, disk = measure(args.repeat, zenml=not args.no_zenml)
    section = markdown(tools, args.repeat, load, peers, disk)
    publish("peers", section, readme=not args.no_readme)


if __name__ == "__main__":
    main()
