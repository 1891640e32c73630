"""Option values without pydantic (cli/coercion.py): the same values and the same errors
as typer's own coercion (tests/e2e/test_cli_no_pydantic.py runs the real CLI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer import core
from typer.testing import CliRunner

from stackctl.cli import coercion

demo = typer.Typer()


@demo.command()
def _all(
    text: str = "x",
    count: int = 3,
    ratio: float = 0.5,
    bounded: Annotated[int, typer.Option(min=1, max=10)] = 5,
    clamped: Annotated[float, typer.Option(min=0, max=1, clamp=True)] = 0.5,
    where: Path | None = None,
    tags: Annotated[list[str] | None, typer.Option("--tag")] = None,
    sizes: Annotated[list[int] | None, typer.Option("--size")] = None,
    maybe: str | None = None,
) -> None:
    values = [text, count, ratio, bounded, clamped, where, tags, sizes, maybe]
    print(json.dumps([[type(v).__name__, str(v)] for v in values]))


def _invoke(args: list[str], *, ours: bool) -> tuple[int, str]:
    saved = core.build_runtime_param  # type: ignore[attr-defined]
    core.build_runtime_param = coercion._build if ours else coercion._original  # type: ignore[attr-defined]
    try:
        done = CliRunner().invoke(demo, args)
    finally:
        core.build_runtime_param = saved  # type: ignore[attr-defined]
    return done.exit_code, done.output


_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True).map(str),
    st.sampled_from(["007", "-0", "1_000", "+5", " 5", "5 ", "1e3", "0.50", "", "٣", "10", "11"]),
)
_OPTIONS = ["--text", "--count", "--ratio", "--bounded", "--clamped", "--where", "--tag", "--size"]


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(_OPTIONS), _VALUES), max_size=4))
@example([])
@example([("--count", "007"), ("--size", "1"), ("--size", "2")])
@example([("--bounded", "11"), ("--clamped", "7")])
@example([("--count", "99999999999999999999")])
def test_the_same_values_and_errors_as_typer(pairs: list[tuple[str, str]]) -> None:
    args = [a for pair in pairs for a in pair if "\x00" not in a]
    if len(args) % 2:
        return
    assert _invoke(args, ours=True) == _invoke(args, ours=False)


def test_answers_without_typer_where_it_can() -> None:
    info = typer.models.OptionInfo()
    assert coercion.plain_value(str, info, "a b") == "a b"
    assert coercion.plain_value(int, info, "-42") == -42
    assert coercion.plain_value(float, info, "2") == 2.0
    assert coercion.plain_value(list[str], info, ()) == []
    assert coercion.plain_value(list[Path], info, ()) == []  # an option not repeated
    unknown = coercion._UNKNOWN
    assert coercion.plain_value(int, info, "1_000") is unknown  # typer decides
    assert coercion.plain_value(Path, info, "x") is unknown
    assert coercion.plain_value(list[Path], info, ("x",)) is unknown
    bounded = typer.models.OptionInfo(min=1, max=10)
    assert coercion.plain_value(int, bounded, "10") == 10
    assert coercion.plain_value(int, bounded, "11") is unknown
