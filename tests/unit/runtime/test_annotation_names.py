"""`validate`'s static check of artifact names in `@step` return annotations."""

from __future__ import annotations

import textwrap
from pathlib import Path

from stackctl.runtime.annotation_names import check_source


def _module(root: Path, name: str, source: str) -> None:
    (root / f"{name}.py").write_text(textwrap.dedent(source))


def test_names_tags_and_tuples_are_checked_where_written(tmp_path: Path) -> None:
    _module(
        tmp_path,
        "flow_a",
        """
        import typing
        from typing import Annotated
        import stackctl
        from stackctl import step

        @step
        def one() -> Annotated[int, "no spaces"]: ...

        @stackctl.step(retries=1)
        def two() -> tuple[Annotated[int, "fine"], typing.Annotated[int, "x" * 3]]: ...

        @step
        def three() -> Annotated[int, stackctl.ArtifactConfig(name="a.b", tags=("7",))]: ...

        def not_a_step() -> Annotated[int, "not checked"]: ...
        """,
    )
    found = [(str(d.location), d.message) for d in check_source("flow_a", tmp_path)]
    assert found == [
        (
            "flow_a.py:8:29",
            "step 'one': 'no spaces' is not an artifact name (a letter or _, "
            "then letters, digits, _ or -; at most 63 characters)",
        ),
        (
            "flow_a.py:14:60",
            "step 'three': 'a.b' is not an artifact name (a letter or _, "
            "then letters, digits, _ or -; at most 63 characters)",
        ),
        (
            "flow_a.py:14:73",
            "step 'three': tag '7' would read as a version; pick a word (e.g. production)",
        ),
    ]


def test_a_too_long_name_and_imported_step_modules(tmp_path: Path) -> None:
    _module(
        tmp_path,
        "steps_b",
        f'from stackctl import step\n@step\ndef s() -> Annotated[int, "{"n" * 64}"]: ...\n',
    )
    _module(tmp_path, "flow_b", "from steps_b import s\nfrom os import path\n")
    (location,) = [str(d.location) for d in check_source("flow_b", tmp_path)]
    assert location == "steps_b.py:3:27"


def test_unparsable_or_missing_modules_give_nothing(tmp_path: Path) -> None:
    _module(tmp_path, "broken_c", "def (:\n")
    assert check_source("broken_c", tmp_path) == []
    assert check_source("no_such_module_c", tmp_path) == []
