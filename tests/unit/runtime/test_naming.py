"""NAME[:VERSION|TAG] references and names from Annotated return types."""

from __future__ import annotations

from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.errors import StackctlError
from stackctl.model import ArtifactSelector, NamedOutput
from stackctl.runtime.naming import (
    NAME,
    ArtifactConfig,
    ExternalArtifact,
    named_outputs,
    parse_ref,
    selector,
    tag_problem,
)

names = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_-]{0,62}\Z")
tags = st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\Z").filter(
    lambda t: not t.isdigit() and t != "latest"
)


@given(names)
def test_a_bare_name_means_the_latest_version(name):
    assert parse_ref(name) == ArtifactSelector(name, "latest")


@given(names, st.integers(min_value=1, max_value=10**9))
def test_a_number_selects_that_version_leading_zeros_and_all(name, number):
    assert parse_ref(f"{name}:{number}") == ArtifactSelector(name, str(number))
    assert parse_ref(f"{name}:00{number}") == ArtifactSelector(name, str(number))


@given(names, tags)
def test_a_word_selects_a_tag_and_prints_back_as_written(name, tag):
    parsed = parse_ref(f"{name}:{tag}")
    assert parsed == ArtifactSelector(name, tag)
    assert parse_ref(str(parsed)) == parsed


@given(st.text(max_size=80))
def test_any_text_parses_or_fails_with_one_line_that_says_how_to_write_it(text):
    try:
        parsed = parse_ref(text)
    except StackctlError as exc:
        assert "\n" not in exc.message and repr(text) in exc.message  # escaped: no ANSI
        assert "NAME:VERSION" in exc.hint
        return
    assert NAME.match(parsed.name)
    assert parsed.version == "latest" or parsed.version.isdigit() or not tag_problem(parsed.version)


@pytest.mark.parametrize(
    "text",
    ["", ":", "iris:", ":3", "iris:0", "iris data", "iris:two words", "a:b:c", "9lives", "x" * 64],
)
def test_malformed_references_are_refused(text):
    with pytest.raises(StackctlError, match="artifact reference"):
        parse_ref(text)


def test_selector_takes_python_versions_and_refuses_nonsense():
    assert selector("m") == ArtifactSelector("m", "latest")
    assert selector("m", 3) == ArtifactSelector("m", "3")
    assert selector("m", "production") == ArtifactSelector("m", "production")
    for bad in (0, -1, True):
        with pytest.raises(StackctlError, match="not a version number"):
            selector("m", bad)
    assert ExternalArtifact("m", version=2).selector == ArtifactSelector("m", "2")


@pytest.mark.parametrize("tag", ["latest", "12", "", "has space", "x" * 65])
def test_tags_that_would_read_as_versions_or_are_not_words_are_refused(tag):
    assert tag_problem(tag)


def test_annotated_outputs_name_artifacts_one_per_position():
    def one() -> Annotated[int, "total"]: ...

    def two() -> tuple[
        Annotated[int, "a"], Annotated[int, ArtifactConfig("b", tags=("gold",))]
    ]: ...

    def plain() -> int: ...

    hints = {f: f.__annotations__["return"] for f in (one, two, plain)}
    assert named_outputs(eval(hints[one], globals()), ("total",)) == {"total": NamedOutput("total")}
    assert named_outputs(eval(hints[two], globals()), ("a", "b")) == {
        "a": NamedOutput("a"),
        "b": NamedOutput("b", ("gold",)),
    }
    assert named_outputs(eval(hints[plain], globals()), ("output",)) == {}


def test_a_bad_annotated_name_fails_when_the_step_is_defined():
    with pytest.raises(StackctlError, match="not an artifact name"):
        named_outputs(Annotated[int, "no spaces"], ("no spaces",))
    with pytest.raises(StackctlError, match="would read as a version"):
        named_outputs(Annotated[int, ArtifactConfig("ok", tags=("7",))], ("ok",))
