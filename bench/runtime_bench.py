"""Runtime benchmark: stackctl pipelines against a plain-Python floor, whole process.

Run it with ``make bench`` (every bench/*_bench.py) or on its own::

    .venv/bin/python bench/runtime_bench.py [--repeat 5] [--no-readme]

Everything runs in a throw-away project under bench/.scratch (report.SCRATCH says why
not the system temp folder). Pipelines are SDK scripts
(``python run.py``) whose steps are trivial; each timed figure is the wall time of a whole
``subprocess`` (interpreter start-up, imports, config, state, every artifact written),
median of ``--repeat`` runs. The floor is a plain Python script that pickles each step's
output to disk and reads it back as the next step's input. The 200 MB numpy figures are
in-process: the local artifact store + numpy materializer against raw np.save/np.load.

This is a benchmark, not a test: it asserts nothing, prints the figures, the ratios and
the targets of issue 10, and rewrites its own section of bench/README.md (between the
``runtime-bench`` markers; ``--no-readme`` leaves the file alone).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import instructions
from report import Disk, Load, check_repeat, machine_line, publish, scratch

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYTHON = sys.executable
STACKCTL = str(Path(sys.executable).with_name("stackctl"))

# the project is what `stackctl init` writes (SQLite state, the `default` stack and a
# `parallel` one with 4 local_parallel workers); `cold` appends comments to its yaml
PROJECT_FILE = "stackctl.yaml"


def steps_module(width: int) -> str:
    """Trivial steps; ``join`` takes ``width`` inputs (the 1 -> width -> 1 fan-in)."""
    args = ", ".join(f"x{i}: int" for i in range(width))
    total = " + ".join(f"x{i}" for i in range(width))
    return textwrap.dedent(
        f"""\
        import time

        from stackctl import step


        @step
        def first(salt: int) -> int:
            return salt


        @step
        def inc(x: int) -> int:
            return x + 1


        @step
        def nap(x: int, seconds: float, k: int) -> int:
            if seconds:
                time.sleep(seconds)
            return x + k


        @step
        def join({args}) -> int:
            return {total}
        """
    )


RUN_SCRIPT = """\
import sys

from stackctl import pipeline

from steps import first, inc, join, nap

shape, n, salt, cache = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "cache"
sleep = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0


@pipeline(name=f"{shape}{n}")
def chain(salt: int = 0) -> None:
    x = first(salt=salt)
    for _ in range(n - 1):
        x = inc(x)


@pipeline(name=f"{shape}{n}")
def fanout(salt: int = 0) -> None:
    x = first(salt=salt)
    join(*[nap(x, seconds=sleep, k=k) for k in range(n)])


chosen = chain if shape == "chain" else fanout
run = chosen.with_options(params={"salt": salt}, cache=cache)()
assert run.status.value == "completed", run.status
"""

FLOOR_SCRIPT = """\
import pickle
import sys
from pathlib import Path

shape, n, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)


def save(name, value):
    with open(out / f"{name}.pkl", "wb") as fp:
        pickle.dump(value, fp)


def load(name):
    with open(out / f"{name}.pkl", "rb") as fp:
        return pickle.load(fp)


save("first", 0)
if shape == "chain":
    previous = "first"
    for i in range(n - 1):
        save(f"inc{i}", load(previous) + 1)
        previous = f"inc{i}"
else:
    for i in range(n):
        save(f"nap{i}", load("first") + i)
    save("join", sum(load(f"nap{i}") for i in range(n)))
"""


@dataclass
class Figure:
    name: str
    seconds: float
    note: str = ""
    best: float | None = None  # the fastest of the repeats (whole-process figures)
    cpu: float | None = None  # median CPU seconds, user + sys (whole-process figures)


class Bench:
    def __init__(self, root: Path, repeat: int) -> None:
        self.root = root
        self.repeat = repeat
        self.salt = 0
        self.project = ""  # stackctl.yaml as `stackctl init` wrote it
        self.best = 0.0
        self.rss = 0.0  # the largest peak RSS of any stackctl process so far (MiB)
        # CPU seconds (user + sys) of each call: unlike wall time, barely moved by other
        # programs competing for the cores
        self.cpus: list[float] = []
        self.cpu = 0.0  # median CPU seconds of the last median()
        drop = ("STACKCTL_STACK", "PYTHONDONTWRITEBYTECODE")
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        # byte-code cached as in any pip install, but kept out of the source tree
        self.env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")

    def setup(self, width: int) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.call([STACKCTL, "init"])
        self.project = (self.root / PROJECT_FILE).read_text()
        (self.root / "steps.py").write_text(steps_module(width))
        (self.root / "run.py").write_text(RUN_SCRIPT)
        (self.root / "floor.py").write_text(FLOOR_SCRIPT)
        self.call([STACKCTL, "apply", "--auto-approve"])
        # warm-up: byte-compile everything and create the state and store
        self.call([PYTHON, "run.py", "chain", "3", "-1", "nocache"])

    def call(self, argv: Sequence[str], **env: str) -> float:
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            proc = subprocess.Popen(
                argv, cwd=self.root, env={**self.env, **env}, stdout=out, stderr=out
            )
            _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
            took = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            self.rss = max(self.rss, usage.ru_maxrss / 1024)  # KiB on Linux -> MiB
            self.cpus.append(usage.ru_utime + usage.ru_stime)
            if proc.returncode != 0:
                out.seek(0)
                text = out.read().decode(errors="replace")
                raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{text}")
        return took

    def median(self, make_argv: Callable[[], Sequence[str]], repeat: int = 0, **env: str) -> float:
        """Median wall time of ``repeat`` runs (the best one is kept in ``self.best``)."""
        self.cpus = []
        times = [self.call(make_argv(), **env) for _ in range(repeat or self.repeat)]
        self.best = min(times)
        self.cpu = statistics.median(self.cpus)
        return statistics.median(times)

    def pipeline(
        self, shape: str, n: int, stack: str = "default", sleep: float = 0.0, repeat: int = 0
    ) -> float:
        """A fresh (never cached) run: each repeat gets a new salt, so every artifact is a
        new object (salts far apart: a chain from salt s writes s, s+1, ...)."""

        def argv() -> list[str]:
            self.salt += 1_000_000
            return [PYTHON, "run.py", shape, str(n), str(self.salt), "nocache", str(sleep)]

        return self.median(argv, repeat, STACKCTL_STACK=stack)

    def cold(self, shape: str, n: int) -> float:
        """A fresh run right after an edit of stackctl.yaml: the config cache misses."""
        project = self.root / PROJECT_FILE

        def argv() -> list[str]:
            self.salt += 1_000_000
            project.write_text(self.project + f"# edit {self.salt}\n")
            return [PYTHON, "run.py", shape, str(n), str(self.salt), "nocache"]

        return self.median(argv)

    def cached(self, shape: str, n: int) -> float:
        argv = [PYTHON, "run.py", shape, str(n), "0", "cache"]
        self.call(argv)  # fills the cache
        took = self.median(lambda: argv)
        self.check_cached(f"{shape}{n}", n, self.repeat)
        return took

    def check_cached(self, pipeline: str, steps: int, runs: int) -> None:
        """Fail loudly unless the last ``runs`` runs of ``pipeline`` were served from the
        cache, as state recorded them: every one of their ``steps`` steps a cache hit."""
        listed = self.stackctl("runs", "list", "-p", pipeline, "-n", str(runs), "--json")
        for run in json.loads(listed):
            shown = json.loads(self.stackctl("runs", "show", run["id"], "--json"))
            misses = [s["step"] for s in shown["steps"] if not s["cached_from"]]
            if len(shown["steps"]) != steps or misses:
                raise SystemExit(
                    f"the 'cached re-run' {run['id']} was not served from cache: "
                    f"{len(shown['steps'])} steps recorded, {len(misses)} not cache hits "
                    f"({', '.join(misses[:5])}...)"
                )

    def stackctl(self, *argv: str) -> str:
        done = subprocess.run(
            [STACKCTL, *argv], cwd=self.root, env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"stackctl {' '.join(argv)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def floor(self, shape: str, n: int) -> float:
        def argv() -> list[str]:
            self.salt += 1_000_000
            return [PYTHON, "floor.py", shape, str(n), str(self.root / "floor" / str(self.salt))]

        return self.median(argv)


def numpy_roundtrip(root: Path, megabytes: int, repeat: int) -> dict[str, float]:
    """Median write and read seconds: the local store + numpy materializer vs np.save/load.

    "read" loads the array and sums it, so both sides really read every byte (the
    store's load is a memory map, which alone would read nothing).
    """
    import numpy as np

    from stackctl.components.artifact_stores.local import LocalArtifactStore
    from stackctl.runtime import materializers

    store = LocalArtifactStore("bench", {"path": str(root / "np-store")}, root)
    numpy = materializers.by_name("numpy")
    times: dict[str, list[float]] = {
        k: [] for k in ("store_write", "store_read", "raw_write", "raw_read")
    }
    for i in range(repeat):
        array = np.full(megabytes * 1024 * 1024 // 8, float(i), dtype=np.float64)
        started = time.perf_counter()
        stored = store.put("output.npy", lambda fp, a=array: numpy.write(a, fp))
        sync = getattr(store, "sync", None)  # what the run loop does before a run ends
        if sync is not None:
            sync([stored.uri])
        times["store_write"].append(time.perf_counter() - started)
        started = time.perf_counter()
        float(numpy.load(store, stored.uri).sum())
        times["store_read"].append(time.perf_counter() - started)
        raw = root / f"raw{i}.npy"
        started = time.perf_counter()
        np.save(raw, array)
        times["raw_write"].append(time.perf_counter() - started)
        started = time.perf_counter()
        float(np.load(raw).sum())
        times["raw_read"].append(time.perf_counter() - started)
        raw.unlink()
    return {k: statistics.median(v) for k, v in times.items()}


@dataclass
class Measured:
    figures: list[Figure]
    targets: list[tuple[str, str, str, bool]]
    disk: str  # the scratch folder's mkdir and create costs (report.Disk)
    counts: list[tuple[str, float]]  # (figure, millions of instructions); [] without valgrind


def count_instructions(bench: Bench) -> list[tuple[str, float]]:
    """W1, the cached re-run, the floor and a bare interpreter, one callgrind run each."""
    if not instructions.available():
        return []
    bench.salt += 1_000_000
    floor_out = str(bench.root / "floor" / f"ir-{bench.salt}")
    runs = [
        ("`python -c pass` (interpreter start and exit)", [PYTHON, "-c", "pass"]),
        ("plain-Python floor, 100-step chain", [PYTHON, "floor.py", "chain", "100", floor_out]),
        (
            "W1: 100-step chain, `local`",
            [PYTHON, "run.py", "chain", "100", str(bench.salt), "nocache"],
        ),
        ("100-step chain, fully cached re-run", [PYTHON, "run.py", "chain", "100", "0", "cache"]),
    ]
    env = {**bench.env, "STACKCTL_STACK": "default"}
    return [(name, instructions.count(argv, bench.root, env)) for name, argv in runs]


def measure(repeat: int, width: int, sleep: float, count: bool) -> Measured:
    figures: list[Figure] = []
    with scratch("stackctl-bench-") as tmp:
        disk = Disk(Path(tmp))
        bench = Bench(Path(tmp), repeat)
        bench.setup(width)
        f, best, cpu = {}, {}, {}

        def take(key: str, median: float) -> None:
            f[key], best[key], cpu[key] = median, bench.best, bench.cpu

        take("floor_chain100", bench.floor("chain", 100))
        take("floor_chain500", bench.floor("chain", 500))
        take("floor_fanout", bench.floor("fanout", width))
        take("chain100_local", bench.pipeline("chain", 100))
        take("chain100_parallel", bench.pipeline("chain", 100, stack="parallel"))
        take("chain500_local", bench.pipeline("chain", 500))
        take("fanout_local", bench.pipeline("fanout", width))
        take("fanout_parallel", bench.pipeline("fanout", width, stack="parallel"))
        take("chain100_cached", bench.cached("chain", 100))
        take("chain100_cold", bench.cold("chain", 100))
        rss = bench.rss
        take("sleep_local", bench.pipeline("fanout", width, sleep=sleep))
        take("sleep_parallel", bench.pipeline("fanout", width, stack="parallel", sleep=sleep))
        take("help", bench.median(lambda: [STACKCTL, "--help"], repeat=max(repeat, 5)))
        # the everyday CLI: a listing of the runs above, and `stackctl init`'s own
        # 2-step YAML pipeline (its steps cache hits after the first call)
        take("runs_list", bench.median(lambda: [STACKCTL, "runs", "list"]))
        bench.call([STACKCTL, "run", "hello"])
        take("run_hello", bench.median(lambda: [STACKCTL, "run", "hello"]))
        np_times = numpy_roundtrip(Path(tmp), 200, max(1, min(repeat, 3)))
        counts = count_instructions(bench) if count else []
        disk_line = disk.sentence()
    slope = (f["chain500_local"] - f["chain100_local"]) / 400
    floor_slope = (f["floor_chain500"] - f["floor_chain100"]) / 400
    best_above = (best["chain500_local"] - best["chain100_local"]) / 400
    best_above -= (best["floor_chain500"] - best["floor_chain100"]) / 400
    above = slope - floor_slope
    cpu_above = (cpu["chain500_local"] - cpu["chain100_local"]) / 400
    cpu_above -= (cpu["floor_chain500"] - cpu["floor_chain100"]) / 400
    store_rt = np_times["store_write"] + np_times["store_read"]
    raw_rt = np_times["raw_write"] + np_times["raw_read"]
    speedup = f["sleep_local"] / f["sleep_parallel"]
    w = width

    def fig(name: str, key: str, note: str = "") -> Figure:
        return Figure(name, f[key], note, best.get(key), cpu.get(key))

    figures = [
        fig("plain-Python floor, 100-step chain", "floor_chain100"),
        fig("plain-Python floor, 500-step chain", "floor_chain500"),
        fig(f"plain-Python floor, 1 -> {w} -> 1 fan-out", "floor_fanout"),
        fig(
            "W1: 100-step chain, `local` (python run.py)",
            "chain100_local",
            f"{f['chain100_local'] / f['floor_chain100']:.1f}x floor",
        ),
        fig(
            "100-step chain, `local_parallel`",
            "chain100_parallel",
            f"{f['chain100_parallel'] / f['floor_chain100']:.1f}x floor",
        ),
        fig(
            "W2: 500-step chain, `local`",
            "chain500_local",
            f"{f['chain500_local'] / f['floor_chain500']:.1f}x floor",
        ),
        fig(
            f"W3: 1 -> {w} -> 1 fan-out, `local`",
            "fanout_local",
            f"{f['fanout_local'] / f['floor_fanout']:.1f}x floor",
        ),
        fig(
            f"1 -> {w} -> 1 fan-out, `local_parallel`",
            "fanout_parallel",
            f"{f['fanout_parallel'] / f['floor_fanout']:.1f}x floor",
        ),
        fig("100-step chain, fully cached re-run", "chain100_cached"),
        fig("100-step chain, config cache cold (first run after an edit)", "chain100_cold"),
        fig(f"W4: fan-out, steps sleep {sleep:g} s, `local`", "sleep_local"),
        fig(
            f"W4: fan-out, steps sleep {sleep:g} s, `local_parallel` (4 workers)",
            "sleep_parallel",
            f"{speedup:.2f}x faster",
        ),
        Figure(
            "200 MB numpy: store write (hash + fsync)",
            np_times["store_write"],
            f"{np_times['store_write'] / np_times['raw_write']:.2f}x np.save",
        ),
        Figure(
            "200 MB numpy: store read (load + sum)",
            np_times["store_read"],
            f"{np_times['store_read'] / np_times['raw_read']:.2f}x np.load",
        ),
        Figure("200 MB numpy: np.save", np_times["raw_write"]),
        Figure("200 MB numpy: np.load + sum", np_times["raw_read"]),
        fig("`stackctl --help`", "help"),
        fig("`stackctl runs list`", "runs_list"),
        fig("`stackctl run hello` (2 steps, both cache hits)", "run_hello"),
    ]
    targets = [
        (
            "W1: 100-step chain, whole process",
            "<= 0.2 s",
            f"{f['chain100_local']:.3f} s, CPU {cpu['chain100_local']:.3f} s (config cache "
            f"cold: {f['chain100_cold']:.3f} s, CPU {cpu['chain100_cold']:.3f} s)",
            f["chain100_local"] <= 0.2,
        ),
        (
            "per step above the floor (500 vs 100 slope)",
            "<= 0.5 ms",
            f"{above * 1000:.2f} ms (stackctl {slope * 1000:.2f}, floor "
            f"{floor_slope * 1000:.2f}; from the best runs: {best_above * 1000:.2f}; "
            f"CPU: {cpu_above * 1000:.2f})",
            above <= 0.0005,
        ),
        (
            "fully cached re-run",
            "<= 0.12 s",
            f"{f['chain100_cached']:.3f} s, CPU {cpu['chain100_cached']:.3f} s",
            f["chain100_cached"] <= 0.12,
        ),
        (
            "200 MB write + read vs np.save + np.load",
            "<= 1.2x",
            f"{store_rt / raw_rt:.2f}x ({store_rt:.2f} s vs {raw_rt:.2f} s)",
            store_rt / raw_rt <= 1.2,
        ),
        ("local_parallel vs local, sleeping fan-out", ">= 1.8x", f"{speedup:.2f}x", speedup >= 1.8),
        (
            "`stackctl --help`",
            "<= 0.1 s",
            f"{f['help']:.3f} s, CPU {cpu['help']:.3f} s",
            f["help"] <= 0.1,
        ),
        ("peak RSS of any run above", "<= 80 MiB", f"{rss:.0f} MiB", rss <= 80),
    ]
    return Measured(figures, targets, disk_line, counts)


def markdown(measured: Measured, repeat: int, load: Load) -> str:
    figures, targets, disk = measured.figures, measured.targets, measured.disk
    lines = [
        "## Runtime (`bench/runtime_bench.py`)",
        "",
        "```sh",
        "make bench                                      # every bench/*_bench.py",
        f".venv/bin/python bench/runtime_bench.py --repeat {repeat}   # only this one",
        "```",
        "",
        "Each figure is the wall time of a whole process, median of "
        f"{repeat} (`subprocess`): `python run.py`",
        "with an SDK pipeline of trivial steps in a folder made by `stackctl init` (SQLite",
        "state; `stackctl apply` for its `parallel` stack), on a salt never used",
        "before so every artifact is a new object (nothing cached unless stated), byte-code",
        "cached as after a pip install. *floor*: a plain Python script that pickles each",
        "step's output to disk and loads it back as the next step's input. The 200 MB",
        "figures are in-process: the local store (sha256 while writing, fsync) and the numpy",
        "materializer (memory-mapped load) vs `np.save` / `np.load`; *read* sums the array so",
        "both sides touch every byte. Slope = (500-step - 100-step) / 400.",
        "",
        machine_line(repeat, load, "the fastest beside it") + f" Disk: {disk}.",
        "A *fully cached re-run* is checked in state after it ran: every step of every",
        "timed run a cache hit (the bench fails otherwise).",
        "",
        "| benchmark | median s | best s | median CPU s | ratio (medians) |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [
        f"| {x.name} | {x.seconds:.3f} | {_num(x.best)} | {_num(x.cpu)} | {x.note} |"
        for x in figures
    ]
    lines += ["", "| target (issue 10) | goal | measured | met |", "|---|---|---|---|"]
    lines += [f"| {n} | {g} | {m} | {'yes' if ok else 'NO'} |" for n, g, m, ok in targets]
    if measured.counts:
        floor = dict(measured.counts)["plain-Python floor, 100-step chain"]
        lines += [
            "",
            "Instructions (valgrind callgrind, user space, whole process; bench/instructions.py",
            "says why): the same count on a busy or a quiet machine, one run each.",
            "",
            "| process | instructions | ratio to the floor |",
            "|---|---:|---:|",
        ]
        lines += [f"| {n} | {m:,.0f} M | {m / floor:.1f}x |" for n, m in measured.counts]
    return "\n".join(lines) + "\n"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--width", type=int, default=50, help="fan-out width")
    parser.add_argument("--sleep", type=float, default=0.2, help="seconds per sleeping step")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite bench/README.md")
    parser.add_argument(
        "--no-instructions", action="store_true", help="skip the callgrind counts (~2 min)"
    )
    args = parser.parse_args(argv)
    check_repeat(args.repeat)
    load = Load()
    measured = measure(args.repeat, args.width, args.sleep, count=not args.no_instructions)
    section = markdown(measured, args.repeat, load)
    publish("runtime", section, readme=not args.no_readme)


if __name__ == "__main__":
    main()
