"""A name with a trailing newline is not a name.

Python's ``$`` also matches before a final newline, so ``^[A-Za-z_]...$`` accepted
``"hello\\n"``: in a schema ``pattern`` (jsonschema matches with ``re.search``), and in
every check stackctl made with ``re.match``. The schemas now match as ECMA-262 says
(config/patterns.py) and the checks end with ``\\Z``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from stackctl.config.patterns import ecma
from stackctl.errors import StackctlError

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def _patterns(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found.add(value)
            else:
                found |= _patterns(value)
    elif isinstance(node, list):
        for value in node:
            found |= _patterns(value)
    return found


PATTERNS = sorted(
    set().union(*(_patterns(json.loads(p.read_text())) for p in SCHEMAS.glob("*.json")))
)


def test_every_schema_has_anchored_patterns_to_check():
    assert len(PATTERNS) >= 10 and all(p.endswith("$") for p in PATTERNS)


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        ("^a$", r"^a\Z"),
        (r"^a\$$", r"^a\$\Z"),  # an escaped $ is a literal
        ("^[$]+$", r"^[$]+\Z"),  # so is one in a class
        ("^[]$]$", r"^[]$]\Z"),  # `]` first in a class is a literal too
        (r"^[\]$]$", r"^[\]$]\Z"),
        ("^[^]$]$", r"^[^]$]\Z"),  # and in a negated one
        ("^[^$]$", r"^[^$]\Z"),
        ("^(?!latest$)[a-z]+$", r"^(?!latest\Z)[a-z]+\Z"),
        (r"^a\\$", r"^a\\\Z"),  # an escaped backslash, then the anchor
    ],
)
def test_anchors_become_end_of_text(pattern: str, python: str):
    assert ecma(pattern).pattern == python


@given(text=st.text(max_size=30))
@example(text="hello\n")
@example(text="orchestrator.local\n")
@example(text="sha256:" + "0" * 64 + "\n")
def test_schema_patterns_match_as_ecma_262_says(text: str):
    """Without a newline, Python and ECMA-262 agree; with a final one, no anchored
    pattern matches (none of them allows a newline in the name)."""
    for pattern in PATTERNS:
        ours = ecma(pattern).search(text) is not None
        if "\n" not in text:
            assert ours == (re.search(pattern, text) is not None), pattern
        elif text.endswith("\n"):
            assert not ours, pattern


def _schema_errors(tmp_path: Path, text: str) -> list[str]:
    from stackctl.components.registry import flavor_schemas, schemas_dir
    from stackctl.config.load import load_project

    (tmp_path / "stackctl.yaml").write_text("project: p\nstate: {backend: memory}\n")
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "a.yaml").write_text(text)
    (tmp_path / "pipelines" / "steps.py").write_text("def f():\n    return 1\n")
    with pytest.raises(StackctlError) as caught:
        load_project(tmp_path, schemas_dir=schemas_dir(), flavor_schemas=flavor_schemas())
    return [d.render() for d in getattr(caught.value, "diagnostics", [])] or [str(caught.value)]


def test_a_pipeline_named_with_a_newline_is_refused_at_its_key(tmp_path):
    errors = _schema_errors(
        tmp_path,
        'pipelines:\n  "hello\\n":\n    steps:\n      s: {function: "pipelines.steps:f"}\n',
    )
    assert any("pipelines/a.yaml:2:3" in e and "invalid name 'hello\\n'" in e for e in errors)


def test_a_function_reference_with_a_newline_is_refused(tmp_path):
    errors = _schema_errors(
        tmp_path, 'pipelines:\n  hello:\n    steps:\n      s: {function: "pipelines.steps:f\\n"}\n'
    )
    assert any("pipelines/a.yaml:4" in e for e in errors), errors
    assert not any("has no function" in e for e in errors)  # refused before any import


def _names() -> list[tuple[str, Callable[[str], object]]]:
    from stackctl.catalog.components import check_name
    from stackctl.config.scaffold import project_name
    from stackctl.runtime.models import model_decl
    from stackctl.runtime.naming import name_problem, tag_problem
    from stackctl.runtime.source import SOURCE_REF

    def problem(check: Callable[[str], str]) -> Callable[[str], object]:
        def run(text: str) -> object:
            message = check(text)
            if message:
                raise StackctlError(message)
            return None

        return run

    def source(text: str) -> object:
        if not SOURCE_REF.match(text):
            raise StackctlError("not MODULE:FUNCTION")
        return None

    return [
        ("iris", model_decl),
        ("iris_data", problem(name_problem)),
        ("v1", problem(tag_problem)),
        ("local", lambda n: check_name(n, "component")),
        ("proj", lambda n: project_name(Path("/tmp"), n)),
        ("pipelines.run:hello", source),
    ]


@pytest.mark.parametrize("valid", [v for v, _ in _names()])
def test_each_name_check_refuses_a_trailing_newline(valid: str):
    check = dict(_names())[valid]
    check(valid)  # the name itself is fine
    with pytest.raises((StackctlError, ValueError)):
        check(valid + "\n")


def test_dashboard_parameters_refuse_a_trailing_newline():
    """Not a name, so nothing of that name exists: 404, as for any other bad name."""
    from stackctl.dashboard.params import name, run_id

    assert name("iris", "model") == "iris" and run_id("abc123") == "abc123"
    for call in (lambda: name("iris\n", "model"), lambda: run_id("abc123\n")):
        with pytest.raises(Exception) as caught:
            call()
        assert getattr(caught.value, "status_code", None) == 404
