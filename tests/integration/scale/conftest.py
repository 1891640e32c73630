"""S3 store configs on the shared moto server (tests/conftest.py) and a throwaway step package."""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.services import free_port, s3_client
from support.steps import step_package

from stackctl.model import ComponentSpec, StackSpec
from stackctl.runtime.stack import ActiveStack, build_stack


@pytest.fixture
def dead_endpoint() -> str:
    """A loopback URL where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials for the AWS chain (moto accepts any); no real profile is read."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


@pytest.fixture
def s3_config(s3_endpoint: str, aws_env: None) -> dict[str, Any]:
    """An ``s3`` store config on a fresh bucket name (the bucket is not created)."""
    return {
        "uri": f"s3://stackctl-{uuid.uuid4().hex[:12]}/artifacts",
        "endpoint_url": s3_endpoint,
        "key": "testing",
        "secret": "testing",
    }


@pytest.fixture
def s3(s3_config: dict[str, Any]) -> Any:
    """A boto3 client of the server, for looking behind the store's back."""
    return s3_client(s3_config["endpoint_url"])


@dataclass
class StepPackage:
    """Step functions written into tmp_path under a unique package name."""

    root: Path
    name: str

    def ref(self, function: str) -> str:
        return f"{self.name}.steps:{function}"

    def stack(
        self,
        orchestrator: str,
        orchestrator_config: dict[str, Any],
        store: str,
        store_config: Any,
        tracker: dict[str, Any] | None = None,
    ) -> ActiveStack:
        components = {
            "orchestrator": ComponentSpec(
                "orchestrator", orchestrator, orchestrator, orchestrator_config
            ),
            "artifact_store": ComponentSpec("artifact_store", store, store, store_config),
        }
        if tracker is not None:
            components["experiment_tracker"] = ComponentSpec(
                "experiment_tracker", "mlflow", "mlflow", tracker
            )
        spec = StackSpec(f"{orchestrator}-{store}", {t: c.name for t, c in components.items()})
        return build_stack(spec, components, self.root)


STEPS = """
import numpy as np

def numbers(n: int) -> np.ndarray:
    return np.arange(n, dtype="float64")

def square(a: np.ndarray) -> np.ndarray:
    return a**2

def total(a: np.ndarray) -> float:
    return float(a.sum())

def describe(a: np.ndarray, b: np.ndarray, t: float) -> dict:
    print("describing")
    return {"a": float(a.sum()), "b": float(b.sum()), "t": t}

def tracked(t: float) -> float:
    from stackctl import get_step_context

    get_step_context().experiment_tracker.log_metrics({"total": t})
    return t
"""


@pytest.fixture
def steps(tmp_path: Path) -> Iterator[StepPackage]:
    with step_package(tmp_path, "scale") as name:
        (tmp_path / name / "steps.py").write_text(textwrap.dedent(STEPS))
        yield StepPackage(tmp_path, name)
