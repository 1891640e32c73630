"""Project files the suites write again and again: the one-stack local project, the
three-orchestrator project (local, a process pool, a dask LocalCluster), an SDK module,
and a writer for a dict of files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def local_stacks(store: str = ".stackctl/store") -> str:
    """A stack file with one `dev` stack: orchestrator `local`, a local store at ``store``."""
    return f"""\
components:
  orchestrator:
    local: {{flavor: local}}
  artifact_store:
    local: {{flavor: local, config: {{path: {store}}}}}
stacks:
  dev: {{orchestrator: local, artifact_store: local}}
"""


def three_orchestrator_stacks(pool_workers: int, pool_stack: str) -> str:
    """Stacks `dev` (local), ``pool_stack`` (local_parallel) and `cluster` (dask, one
    worker of two threads, started by the run), all on one local store."""
    return f"""\
components:
  orchestrator:
    local: {{flavor: local}}
    pool: {{flavor: local_parallel, config: {{max_workers: {pool_workers}}}}}
    cluster: {{flavor: dask, config: {{address: null, n_workers: 1, threads_per_worker: 2}}}}
  artifact_store:
    local: {{flavor: local, config: {{path: .stackctl/store}}}}
stacks:
  dev: {{orchestrator: local, artifact_store: local}}
  {pool_stack}: {{orchestrator: pool, artifact_store: local}}
  cluster: {{orchestrator: cluster, artifact_store: local}}
"""


#: An SDK module with one pipeline, `summing` (numbers -> total).
SUMMING_SDK = """\
from stackctl import pipeline, step


@step
def numbers(n: int) -> list[int]:
    return list(range(n))


@step
def total(xs: list[int]) -> int:
    return sum(xs)


@pipeline
def summing(n: int = 3) -> None:
    total(numbers(n=n))
"""


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Write each ``relative path: text`` under ``root`` (folders made); returns root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
