"""Scale-out benchmark: the 1 -> 50 -> 1 fan-out on local, local_parallel, dask and ray, and
a 200 MB artifact through the ``s3`` store against raw s3fs on the same S3 server.

    .venv/bin/python bench/scale_bench.py [--repeat 3] [--width 50] [--sleep 0.2] [--size-mb 200]
        [--no-readme]

Fan-out: one step, ``width`` independent steps that each sleep ``sleep`` seconds, one
step joining all their outputs; every output goes through the local artifact store and
the state is in memory. Timed in-process with ``run_pipeline`` (``cache=False``), median
of ``--repeat``. The ideal for 2 workers is ``sleep * ceil(width / 2)``; the
efficiency is ideal / measured. ``dask`` starts its LocalCluster (2 worker processes) in
the run, as a stack with ``address: null`` does; ``dask (running cluster)`` points the
stack's ``address`` at a LocalCluster started beforehand, the steady state of a team
cluster. ``ray`` likewise: a local instance (2 CPUs) started and shut down by every
run, then runs on an instance started beforehand.

S3: moto's server on loopback (in this process, so client and server share the CPU
with each other, as they would with MinIO on the same box). ``s3 store`` is
``S3ArtifactStore.put`` (hash into a local spool, one upload to the content key) and
``open().read()``; ``staging: key`` streams to a temporary key and copies it to the
content key server-side; ``raw s3fs`` is ``fs.pipe`` / ``fs.cat`` of the same bytes.

A benchmark, not a test: it prints the figures (medians with their min-max) and
rewrites its own section of bench/README.md (between the ``scale-bench`` markers;
``--no-readme`` leaves it). Comparisons say "noise" only when the ranges overlap.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import socket
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from report import Load, Sample, check_repeat, compare, fenced, machine_line, publish

MB = 1024 * 1024


def steps_module(width: int) -> str:
    args = ", ".join(f"x{i}: int" for i in range(width))
    total = " + ".join(f"x{i}" for i in range(width))
    return textwrap.dedent(
        f"""\
        import time

        def first() -> int:
            return 1

        def nap(x: int, k: int, seconds: float) -> int:
            time.sleep(seconds)
            return x + k

        def join({args}) -> int:
            return {total}
        """
    )


def fan_spec(package: str, width: int, sleep: float) -> Any:
    from stackctl.model import InputRef, PipelineSpec, StepSpec

    ref = f"{package}.steps"
    naps = tuple(
        StepSpec(
            f"nap{k}",
            f"{ref}:nap",
            {"x": InputRef("first", "output")},
            params={"k": k, "seconds": sleep},
        )
        for k in range(width)
    )
    join = StepSpec(
        "join", f"{ref}:join", {f"x{k}": InputRef(f"nap{k}", "output") for k in range(width)}
    )
    return PipelineSpec("fanout", (StepSpec("first", f"{ref}:first"), *naps, join))


def stack(root: Path, flavor: str, config: dict[str, Any]) -> Any:
    from stackctl.model import ComponentSpec, StackSpec
    from stackctl.runtime.stack import build_stack

    components = {
        "orchestrator": ComponentSpec("orchestrator", flavor, flavor, config),
        "artifact_store": ComponentSpec("artifact_store", "local", "local", {"path": "store"}),
    }
    return build_stack(
        StackSpec(flavor, {t: c.name for t, c in components.items()}), components, root
    )


def median_of(repeat: int, fn: Callable[[], float]) -> Sample:
    return Sample.of(fn() for _ in range(repeat))


def floors(package: str, width: int, sleep: float) -> list[tuple[str, Callable[[], float]]]:
    """Plain Python doing the fan-out's work: in a loop, and on a pool of 2 processes
    (started inside the timing, as local_parallel starts its workers in each run)."""
    import importlib
    from concurrent.futures import ProcessPoolExecutor

    steps = importlib.import_module(f"{package}.steps")

    def serial() -> float:
        started = time.perf_counter()
        x = steps.first()
        steps.join(*[steps.nap(x, k, sleep) for k in range(width)])
        return time.perf_counter() - started

    def pool() -> float:
        started = time.perf_counter()
        x = steps.first()
        with ProcessPoolExecutor(2) as workers:
            naps = list(workers.map(steps.nap, [x] * width, range(width), [sleep] * width))
        steps.join(*naps)
        return time.perf_counter() - started

    return [
        ("floor: plain Python loop", serial),
        ("floor: plain Python, ProcessPoolExecutor(2)", pool),
    ]


def fanout(root: Path, repeat: int, width: int, sleep: float) -> list[tuple[str, Sample]]:
    from distributed import LocalCluster

    from stackctl.runtime.run import run_pipeline
    from stackctl.state.memory import MemoryStateStore

    package = "scale_bench_steps"
    (root / package).mkdir()
    (root / package / "__init__.py").write_text("")
    (root / package / "steps.py").write_text(steps_module(width))
    spec = fan_spec(package, width, sleep)

    def timed(active: Any) -> float:
        started = time.perf_counter()
        run = run_pipeline(spec, active, MemoryStateStore(), root=root, cache=False)
        took = time.perf_counter() - started
        assert run.status.value == "completed", run.status
        return took

    two = {"n_workers": 2, "threads_per_worker": 1, "processes": True}
    rows = [(name, median_of(repeat, fn)) for name, fn in floors(package, width, sleep)]
    rows += [
        ("local", median_of(repeat, lambda: timed(stack(root, "local", {})))),
        (
            "local_parallel (2 processes)",
            median_of(repeat, lambda: timed(stack(root, "local_parallel", {"max_workers": 2}))),
        ),
        (
            "dask (LocalCluster per run, 2 workers)",
            median_of(repeat, lambda: timed(stack(root, "dask", two))),
        ),
    ]
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
        silence_logs=40,
    ) as cluster:
        running = stack(root, "dask", {"address": cluster.scheduler_address})
        timed(running)  # warm-up: workers import the step module once
        rows.append(
            ("dask (running cluster, 2 workers)", median_of(repeat, lambda: timed(running)))
        )
    rows += ray_rows(root, repeat, timed)
    return rows


def ray_rows(root: Path, repeat: int, timed: Callable[[Any], float]) -> list[tuple[str, Sample]]:
    """``ray`` with ``address: null`` (a local instance started and shut down in every
    run), then on an instance started beforehand in this process (the run reuses the
    connection: the steady state of a running cluster)."""
    from stackctl.components.orchestrators import ray_cluster

    config = {"address": None, "num_cpus": 2}
    rows = [
        (
            "ray (local instance per run, 2 CPUs)",
            median_of(repeat, lambda: timed(stack(root, "ray", config))),
        )
    ]
    with ray_cluster.connected(config, RuntimeError):
        running = stack(root, "ray", config)
        timed(running)  # warm-up: workers start and import the step module once
        rows.append(("ray (running instance, 2 CPUs)", median_of(repeat, lambda: timed(running))))
    return rows


def s3_throughput(root: Path, repeat: int, size_mb: int) -> list[tuple[str, Sample, Sample]]:
    from moto.server import ThreadedMotoServer

    from stackctl.components.artifact_stores.fsspec_store import S3ArtifactStore, S3Provisioner

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        config = {
            "uri": "s3://scale-bench/artifacts",
            "endpoint_url": f"http://127.0.0.1:{port}",
            "key": "testing",
            "secret": "testing",
        }
        S3Provisioner().create(config, root)
        stores = {
            "s3 store": S3ArtifactStore("s3", config, root),
            "s3 store (staging: key)": S3ArtifactStore("s3", {**config, "staging": "key"}, root),
        }
        fs = stores["s3 store"].fs
        for warm in stores.values():  # connections and imports, outside the timings
            warm.open(warm.put("warm.bin", lambda fp: fp.write(b"warm-up")).uri).read()
        chunk = os.urandom(8 * MB)
        data = chunk * (size_mb // 8)

        def write(fp: Any) -> None:
            view = memoryview(data)
            for start in range(0, len(data), 8 * MB):
                fp.write(view[start : start + 8 * MB])

        def store_put(store: Any) -> float:
            salt = os.urandom(4)  # new bytes each time: a real upload, not a dedup skip
            started = time.perf_counter()
            stored = store.put("big.bin", lambda fp: (write(fp), fp.write(salt)))
            took = time.perf_counter() - started
            fs.rm_file(stored.uri)
            return took

        def store_get(store: Any) -> float:
            stored = store.put("big.bin", write)
            started = time.perf_counter()
            with store.open(stored.uri) as fp:
                got = fp.read()
            took = time.perf_counter() - started
            assert len(got) == len(data)
            return took

        def raw_put() -> float:
            started = time.perf_counter()
            fs.pipe_file("scale-bench/raw/big.bin", data)
            took = time.perf_counter() - started
            fs.rm_file("scale-bench/raw/big.bin")
            return took

        def raw_get() -> float:
            fs.pipe_file("scale-bench/raw/big.bin", data)
            started = time.perf_counter()
            got = fs.cat_file("scale-bench/raw/big.bin")
            took = time.perf_counter() - started
            assert len(got) == len(data)
            return took

        results = [
            (
                name,
                median_of(repeat, lambda st=st: store_put(st)),
                median_of(repeat, lambda st=st: store_get(st)),
            )
            for name, st in stores.items()
        ]
        results.append(("raw s3fs", median_of(repeat, raw_put), median_of(repeat, raw_get)))
        return results
    finally:
        server.stop()


def render(
    args: argparse.Namespace,
    fan: list[tuple[str, Sample]],
    s3: list[tuple[str, Sample, Sample]],
    load: Load,
) -> str:
    width, sleep = args.width, args.sleep
    serial = sleep * width  # only the middle steps sleep
    ideal = sleep * math.ceil(width / 2)
    local = dict(fan)["local"].median
    lines = [
        "## Scale-out (`bench/scale_bench.py`)",
        "",
        *fenced(
            f".venv/bin/python bench/scale_bench.py --repeat {args.repeat} --width {width} "
            f"--sleep {sleep} --size-mb {args.size_mb}"
        ),
        "",
        machine_line(args.repeat, load),
        "",
        f"**Fan-out 1 -> {width} -> 1**, each of the {width} steps sleeping {sleep} s; "
        f"serial ideal {serial:.1f} s, ideal on 2 workers {ideal:.1f} s "
        f"(ideal speedup {serial / ideal:.2f}x). In-process (`run_pipeline`, state in "
        "memory, outputs through the local store). **Floor** (same run): the same "
        "functions called by plain Python, in a loop and on a pool of 2 processes.",
        "",
        "| orchestrator | wall (s) | min-max (s) | speedup over local | efficiency vs 2-worker ideal |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, sample in fan:
        seconds = sample.median
        lines.append(
            f"| {name} | {seconds:.2f} | {sample.span()} | {local / seconds:.2f}x "
            f"| {ideal / seconds:.0%} |"
        )
    pool_floor = dict(fan)["floor: plain Python, ProcessPoolExecutor(2)"]
    parallel = dict(fan)["local_parallel (2 processes)"]
    size = args.size_mb
    lines += [
        "",
        "Against its floor: "
        + compare("`local_parallel`", parallel, "the process pool", pool_floor)
        + ".",
        "",
        f"**{size} MB artifact** through the `s3` store vs raw s3fs (the floor: the same "
        "bytes put and got by s3fs directly), moto server on loopback, same run:",
        "",
        "| path | put (s) | put min-max | put MB/s | get (s) | get min-max | get MB/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, put, get in s3:
        lines.append(
            f"| {name} | {put.median:.2f} | {put.span()} | {size / put.median:.0f} "
            f"| {get.median:.2f} | {get.span()} | {size / get.median:.0f} |"
        )
    store, keyed, raw = s3
    lines += [
        "",
        f"Put: {compare('the store', store[1], 'raw s3fs', raw[1])} (the store hashes into "
        f"a local spool, then uploads once). Get: {compare('the store', store[2], 'raw s3fs', raw[2])} "
        f"(both are one streamed GET). Staging through a temporary key: "
        f"{compare('the keyed put', keyed[1], 'raw s3fs', raw[1])} (the server-side copy "
        "rewrites every byte).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--width", type=int, default=50)
    parser.add_argument("--sleep", type=float, default=0.2)
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    check_repeat(args.repeat)
    load = Load()
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        root = Path(tmp)
        sys.path.insert(0, str(root))
        fan = fanout(root, args.repeat, args.width, args.sleep)
        s3 = s3_throughput(root, args.repeat, args.size_mb)
    section = render(args, fan, s3, load)
    publish("scale", section, readme=not args.no_readme)


if __name__ == "__main__":
    main()
