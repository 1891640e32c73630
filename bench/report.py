"""What every benchmark shares: samples with their spread, whole-process timing, the
machine line, comparisons whose wording follows the figures, and the README section.

Each ``bench/*_bench.py`` owns one section of bench/README.md between
``<!-- NAME-bench:start -->`` and ``<!-- NAME-bench:end -->`` and rewrites only that
section, from the figures of the run it just made: nothing in the README is typed by
hand next to a figure, so prose and tables cannot disagree.

Whole processes are timed with ``os.wait4`` (the kernel's own accounting of the child,
as ``/usr/bin/time -v`` reports it): wall time, CPU seconds (user + sys) and peak RSS.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"
# Where benchmarks make their throw-away projects (ignored by git): a folder on the disk
# a project lives on. On 2026-12-03 the system temp folder was for minutes at a time
# 8-10x slower per mkdir or file create than other folders of the same ext4 disk
# (227-352 us against 28-45 us); any folder moves too (62-265 us seen), which is why
# each figure's machine line gives what a mkdir and a create cost while it ran.
SCRATCH = Path(__file__).resolve().parent / ".scratch"
MIN_REPEAT = 3  # a median of fewer runs is one run's noise


@dataclass(frozen=True)
class Sample:
    """Every measured value of one figure; quote the median, judge with the range."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Iterable[float]) -> Sample:
        got = tuple(values)
        if not got:
            raise ValueError("a sample needs at least one value")
        return cls(got)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def span(self, digits: int = 2) -> str:
        """``min-max`` as text (one value when every run gave the same figure)."""
        low, high = f"{self.min:.{digits}f}", f"{self.max:.{digits}f}"
        return low if low == high else f"{low}-{high}"

    def overlaps(self, other: Sample) -> bool:
        return self.min <= other.max and other.min <= self.max


@dataclass(frozen=True)
class Process:
    """One finished child process, as the kernel accounted it."""

    wall: float
    cpu: float
    rss_mib: float
    output: str


def run_process(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    ok: tuple[int, ...] = (0,),
) -> Process:
    """Run ``argv`` to its end; fail loudly (with its output's tail) on another exit code."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), cwd=cwd, env=None if env is None else dict(env), stdout=out, stderr=out
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if code not in ok:
        raise SystemExit(f"{' '.join(argv)} exited {code}:\n{text[-3000:]}")
    # ru_maxrss is KiB on Linux
    return Process(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


def check_repeat(repeat: int) -> int:
    if repeat < MIN_REPEAT:
        raise SystemExit(f"--repeat {repeat}: use at least {MIN_REPEAT} (figures are medians)")
    return repeat


def compare(name: str, sample: Sample, base_name: str, base: Sample, digits: int = 2) -> str:
    """One sentence on ``sample`` against ``base`` that says only what the ranges allow."""
    ratio = sample.median / base.median if base.median else float("inf")
    spans = f"{sample.span(digits)} s vs {base.span(digits)} s"
    if sample.overlaps(base):
        return (
            f"{name} takes {ratio:.2f}x {base_name} by the medians, but their ranges "
            f"overlap ({spans}): the difference is noise"
        )
    word = "slower" if ratio > 1 else "faster"
    return f"{name} is {word} than {base_name}: {ratio:.2f}x, ranges apart ({spans})"


class Load:
    """The load average at the start and the end of a benchmark, and what it implies."""

    def __init__(self) -> None:
        self.start = os.getloadavg()[0]

    def sentence(self) -> str:
        end = os.getloadavg()[0]
        cpus = os.cpu_count() or 1
        text = f"load average {self.start:.1f} at the start, {end:.1f} at the end"
        # at the end, the benchmark's own runs are in the average too: about one CPU
        if self.start >= cpus / 2 or end >= cpus / 2 + 1:
            return (
                f"{text} on {cpus} CPUs: the machine was busy with other work, so wall "
                "times are pessimistic and the min-max ranges wide; compare ranges, "
                "not single figures"
            )
        return f"{text} on {cpus} CPUs (a quiet machine)"


def scratch(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A throw-away folder under ``SCRATCH`` (``$TMPDIR`` instead when it is set)."""
    base = Path(os.environ.get("TMPDIR") or SCRATCH)
    base.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=prefix, dir=base)


def disk_cost(folder: Path, count: int = 200) -> tuple[float, float]:
    """Microseconds per mkdir and per create + write + close of a small file in
    ``folder``: what a step's artifact costs the filesystem, so a reader sees when the
    disk, not the code, moved a figure."""
    with tempfile.TemporaryDirectory(prefix="probe-", dir=folder) as tmp:
        started = time.perf_counter()
        for i in range(count):
            os.mkdir(f"{tmp}/{i}")
        made = time.perf_counter()
        for i in range(count):
            fd = os.open(f"{tmp}/{i}/f", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            os.write(fd, b"x" * 64)
            os.close(fd)
        done = time.perf_counter()
    return (made - started) / count * 1e6, (done - made) / count * 1e6


class Disk:
    """The scratch folder's mkdir and create costs at the start and at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.parent  # the scratch folder, not this run's own
        self.start = disk_cost(folder)

    def sentence(self) -> str:
        end = disk_cost(self.folder)
        (m0, c0), (m1, c1) = self.start, end
        try:
            where = self.folder.relative_to(README.parent.parent)
        except ValueError:  # $TMPDIR
            where = self.folder
        return (
            f"in {where}, a mkdir took {m0:.0f} us and a small file create "
            f"{c0:.0f} us at the start, {m1:.0f} and {c1:.0f} us at the end"
        )


def machine_line(repeat: int, load: Load, spread: str = "min-max beside it") -> str:
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    return (
        f"Figures of {when} UTC, {os.cpu_count()} vCPU, Python {platform.python_version()}; "
        f"each is the median of {repeat} runs ({spread}); {load.sentence()}."
    )


def fenced(*commands: str) -> list[str]:
    return ["```sh", *commands, "```"]


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}-bench:start -->", f"<!-- {name}-bench:end -->"


def write_section(name: str, body: str, readme: Path = README) -> None:
    """Replace the section ``name`` of the README with ``body`` (appended if absent)."""
    start, end = markers(name)
    block = f"{start}\n{body.rstrip()}\n{end}\n"
    text = readme.read_text() if readme.exists() else "# Benchmarks\n"
    pattern = re.escape(start) + r".*?" + re.escape(end) + r"\n?"
    if re.search(pattern, text, flags=re.DOTALL):
        text = re.sub(pattern, lambda _: block, text, flags=re.DOTALL)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    readme.write_text(text)


def publish(name: str, section: str, readme: bool = True) -> None:
    """Print a benchmark's section and, unless told not to, write it into the README."""
    print(section)
    if readme:
        write_section(name, section)
        print(f"updated {README}")
