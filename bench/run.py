"""Run every benchmark: each ``bench/*_bench.py`` in turn, as its own process.

    make bench                                  # all of them, default settings
    .venv/bin/python bench/run.py runtime plan  # only those whose name starts so

Benchmarks print their figures; some also rewrite their own section of
bench/README.md. A failing benchmark does not stop the others; the exit code is 1 if
any failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    benches = sorted(HERE.glob("*_bench.py"))
    if argv:
        benches = [b for b in benches if any(b.name.startswith(a) for a in argv)]
    failed = []
    for bench in benches:
        print(f"==> {bench.relative_to(HERE.parent)}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(bench)], cwd=HERE.parent)
        print(f"<== {bench.name}: exit {code} in {time.perf_counter() - started:.0f} s\n")
        if code:
            failed.append(bench.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
