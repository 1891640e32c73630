"""`MODULE:FUNCTION` references to @pipeline functions: found, or one located error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackctl.errors import StackctlError
from stackctl.runtime.source import load_pipeline

GOOD = """\
from stackctl import pipeline, step


@step
def one() -> int:
    return 1


@pipeline
def flow(k: int = 2) -> None:
    one()
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import sys

    for name in ("srcmod_good", "srcmod_broken"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "srcmod_good.py").write_text(GOOD)
    (tmp_path / "srcmod_broken.py").write_text("import os\n\nx = 1 / 0\n")
    return tmp_path


def test_a_pipeline_compiles_without_running_steps(root: Path) -> None:
    spec = load_pipeline("srcmod_good:flow", root)
    assert [s.name for s in spec.steps] == ["one"] and dict(spec.params) == {"k": 2}
    assert spec.steps[0].function == "srcmod_good:one"


def test_an_error_in_the_module_is_located_at_its_line(root: Path) -> None:
    with pytest.raises(StackctlError) as caught:
        load_pipeline("srcmod_broken:flow", root)
    assert str(caught.value.location) == "srcmod_broken.py:3:1"
    assert "ZeroDivisionError" in caught.value.message


def test_a_step_is_not_a_pipeline(root: Path) -> None:
    with pytest.raises(StackctlError) as caught:
        load_pipeline("srcmod_good:one", root)
    assert "not a @pipeline function" in caught.value.message
    assert "srcmod_good:flow" in caught.value.hint


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_reference_text_is_a_stackctl_error_or_a_pipeline(tmp_path_factory, text) -> None:
    # a prefix keeps arbitrary text from naming a real module (importing runs its code)
    root = tmp_path_factory.mktemp("src")
    with pytest.raises(StackctlError) as caught:
        load_pipeline(f"srcmod_missing_{text}", root)
    assert caught.value.hint
