"""Cache keys: which code a step depends on, and explaining a key."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from stackctl.errors import NotFoundError
from stackctl.model import ArtifactRecord, Run, RunStatus, StepRun, StepSpec
from stackctl.runtime.cache import cache_key, cache_parts, code_dependencies, explain_cache
from stackctl.state.memory import MemoryStateStore

MODULE = """
import json
from {pkg} import tools
from {pkg}.tools import clean

THRESHOLD = 0.5

def helper(x):
    return clean(x) * THRESHOLD

def step(x):
    inner = lambda y: helper(y)
    return inner(x) + tools.offset() + len(json.dumps(x))
"""

TOOLS = """
def clean(x):
    return abs(x)

def offset():
    return 1
"""


@pytest.fixture
def module(tmp_path, monkeypatch):
    pkg = f"cachepkg_{tmp_path.name}"
    (tmp_path / pkg).mkdir()
    (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / pkg / "tools.py").write_text(TOOLS)
    (tmp_path / pkg / "steps.py").write_text(textwrap.dedent(MODULE.format(pkg=pkg)))
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    yield importlib.import_module(f"{pkg}.steps"), pkg
    for name in [n for n in sys.modules if n.startswith(pkg)]:
        del sys.modules[name]


def test_dependencies_cover_local_helpers_modules_and_constants(module, tmp_path):
    steps, pkg = module
    found = code_dependencies(steps.step, tmp_path)
    assert set(found) == {
        f"helper:{pkg}.steps:helper",  # through a lambda
        f"helper:{pkg}.tools:clean",  # through helper
        f"module:{pkg}.tools",
        f"global:{pkg}.steps.THRESHOLD",
    }  # json is not project code


def test_key_parts_and_key(module, tmp_path):
    steps, _ = module
    spec = StepSpec("s", "m:step", cache_version="2")
    record = ArtifactRecord("r", "up", "output", "u", "d" * 64, 1, "json", "int")
    parts = cache_parts(steps.step, spec, {"a": 1}, {"x": record}, tmp_path)
    assert parts["input:x"] == "d" * 64 and parts["cache_version"] == "2"
    assert {"source", "params", "materializers"} <= set(parts)
    assert cache_key(parts) == cache_key(dict(reversed(parts.items())))
    changed = cache_parts(steps.step, spec, {"a": 2}, {"x": record}, tmp_path)
    assert cache_key(changed) != cache_key(parts)


def test_explain_cache_compares_with_the_previous_run_of_the_pipeline():
    state = MemoryStateStore()
    for run_id, at, parts in [
        ("run1", "2026-01-01T00:00:00", {"source": "a", "params": "p"}),
        ("other", "2026-01-01T00:00:01", {"source": "z"}),
        ("run2", "2026-01-01T00:00:02", {"source": "b", "params": "p", "input:x": "d"}),
    ]:
        pipeline = "other" if run_id == "other" else "train"
        state.record_run(Run(run_id, pipeline, "dev", RunStatus.COMPLETED, at))
        state.record_step(
            StepRun(
                run_id, "fit", RunStatus.COMPLETED, cache_key=json.dumps(parts), cache_parts=parts
            )
        )
    explained = explain_cache(state, "run2", "fit")
    assert explained.previous_run_id == "run1"
    assert explained.changed == ("input:x", "source")
    first = explain_cache(state, "run1", "fit")
    assert first.previous_run_id is None and first.changed == ()
    with pytest.raises(NotFoundError, match="has no step 'nope'"):
        explain_cache(state, "run2", "nope")
