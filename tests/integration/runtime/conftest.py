"""A throwaway project: step modules written into tmp_path, stacks on local folders."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.steps import forget, step_package

from stackctl.model import ComponentSpec, StackSpec
from stackctl.runtime import run as run_module
from stackctl.runtime.stack import ActiveStack, build_stack
from stackctl.state.memory import MemoryStateStore


@dataclass
class Project:
    root: Path
    package: str  # a unique package name, so tests never share sys.modules entries

    def write(self, module: str, source: str) -> None:
        """(Re)write a module of the package and forget any imported version of it."""
        path = self.root / self.package / f"{module}.py"
        path.write_text(textwrap.dedent(source))
        forget(self.package)

    def load(self, module: str) -> object:
        """Import a module of the package, the way steps are imported (root on sys.path)."""
        if str(self.root) not in sys.path:
            sys.path.insert(0, str(self.root))
        return importlib.import_module(f"{self.package}.{module}")

    def ref(self, function: str, module: str = "steps") -> str:
        return f"{self.package}.{module}:{function}"

    def calls(self) -> list[str]:
        """Step names in the order their functions ran (a side effect the steps write)."""
        path = self.root / "calls.txt"
        return path.read_text().split() if path.exists() else []

    def reset_calls(self) -> None:
        (self.root / "calls.txt").unlink(missing_ok=True)

    def stack(
        self, orchestrator: str = "local", store: str = "artifacts", **config: object
    ) -> ActiveStack:
        components = {
            "orchestrator": ComponentSpec("orchestrator", orchestrator, orchestrator, config),
            "artifact_store": ComponentSpec("artifact_store", "local", "local", {"path": store}),
        }
        spec = StackSpec(orchestrator, {t: c.name for t, c in components.items()})
        return build_stack(spec, components, self.root)


# Every step calls `called(name)`: the test reads calls.txt to see what really ran.
CALLS_HELPER = """
from pathlib import Path

def called(name):
    with (Path(__file__).parent.parent / "calls.txt").open("a") as f:
        f.write(name + "\\n")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # rewritten modules stay fresh
    monkeypatch.setattr(run_module, "RETRY_BACKOFF_S", 0.0)
    with step_package(tmp_path, "proj") as package:
        proj = Project(tmp_path, package)
        proj.write("calls", CALLS_HELPER)
        yield proj


@pytest.fixture
def state() -> MemoryStateStore:
    return MemoryStateStore()
