"""Test data for the dashboard: a project on disk and a store filled with runs."""

from __future__ import annotations

import textwrap
from pathlib import Path

from stackctl.model import ArtifactRecord, Resource, Run, RunStatus, StepRun
from stackctl.state.memory import MemoryStateStore

SCRIPT_CFG = "<script>alert('cfg')</script>"
SCRIPT_LOG = "<script>alert('log')</script>"
BIG_LOG_BYTES = 300 * 1024

PROJECT_FILES = {
    "stackctl.yaml": """
        project: dash-test
        include: [stacks/*.yaml, pipelines/*.yaml]
    """,
    "stacks/main.yaml": """
        components:
          orchestrator:
            local: {flavor: local}
          artifact_store:
            local: {flavor: local, config: {path: .stackctl/artifacts}}
            s3:
              flavor: s3
              config:
                uri: s3://bucket/prefix
                endpoint_url: "<script>alert('cfg')</script>"
                key: "${secret:aws_key}"
        stacks:
          dev: {orchestrator: local, artifact_store: local}
          cloud: {orchestrator: local, artifact_store: s3}
    """,
    "pipelines/training.yaml": """
        pipelines:
          training:
            steps:
              load: {function: steps:load}
              split: {function: steps:split, inputs: {df: load.output}}
              train: {function: steps:train, inputs: {df: split.output}}
              evaluate:
                function: steps:evaluate
                inputs: {model: train.output, df: split.output}
    """,
}


def write_project(root: Path) -> None:
    for name, text in PROJECT_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


def _log(root: Path, name: str, text: str) -> str:
    path = root / ".stackctl" / "logs" / f"{name}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def fill(store: MemoryStateStore, root: Path) -> None:
    """Three runs: completed (r1), running (r2) on dev; failed (r3) on default."""
    big = "".join(f"line {i:06d} " + "x" * 50 + "\n" for i in range(BIG_LOG_BYTES // 62 + 10))
    store.record_run(
        Run(
            "r1aaaaaaaaaa",
            "training",
            "dev",
            RunStatus.COMPLETED,
            "2026-01-01T10:00:00+00:00",
            "2026-01-01T10:01:05+00:00",
            stack_snapshot={
                "name": "dev",
                "components": {"artifact_store": {"name": "local", "flavor": "local"}},
            },
            params={"seed": 42},
        )
    )
    steps = [
        ("load", RunStatus.COMPLETED, 1.5, "", _log(root, "load", f"loading\n{SCRIPT_LOG}\n")),
        ("split", RunStatus.CACHED, 0.01, "r0/split", _log(root, "split", "cached\n")),
        ("train", RunStatus.COMPLETED, 61.0, "", _log(root, "train", big)),
        ("evaluate", RunStatus.COMPLETED, 2.0, "", _log(root, "evaluate", "accuracy 0.97\n")),
    ]
    for name, status, duration, cached_from, log in steps:
        store.record_step(
            StepRun(
                "r1aaaaaaaaaa",
                name,
                status,
                "2026-01-01T10:00:01+00:00",
                "2026-01-01T10:00:02+00:00",
                duration,
                attempts=1,
                cached_from=cached_from,
                log_uri=log,
            )
        )
    store.record_artifacts(
        [
            ArtifactRecord(
                "r1aaaaaaaaaa",
                "train",
                "output",
                "/a/b/model.pkl",
                "d" * 64,
                2048,
                "pickle",
                "sklearn.svm.SVC",
            ),
            ArtifactRecord(
                "r1aaaaaaaaaa",
                "load",
                "output",
                "/a/c/df.parquet",
                "e" * 64,
                512,
                "parquet",
                "pandas.DataFrame",
                preview="DataFrame 150x5 [sepal_length, sepal_width, petal_length, ...]",
            ),
        ]
    )
    store.record_run(
        Run("r2bbbbbbbbbb", "training", "dev", RunStatus.RUNNING, "2026-01-02T10:00:00+00:00")
    )
    store.record_step(StepRun("r2bbbbbbbbbb", "load", RunStatus.COMPLETED, duration_s=1.0))
    store.record_step(StepRun("r2bbbbbbbbbb", "split", RunStatus.RUNNING))
    store.record_run(
        Run(
            "r3cccccccccc",
            "training",
            "default",
            RunStatus.FAILED,
            "2026-01-03T10:00:00+00:00",
            "2026-01-03T10:00:03+00:00",
        )
    )
    store.record_step(
        StepRun("r3cccccccccc", "load", RunStatus.FAILED, error="ValueError: no data", log_uri="")
    )
    store.record_step(StepRun("r3cccccccccc", "split", RunStatus.SKIPPED))
    store.commit(
        upserts=[Resource("stack.dev", "stack", "dev", None, {})],
        operation="apply",
        who="alice@laptop",
        summary="1 to add",
        changes=[{"address": "stack.dev", "actions": ["create"], "reason": "new"}],
    )
    store.commit(
        operation="apply",
        who="bob@ci",
        summary=f"note {SCRIPT_CFG}",
        changes=[],
    )
