"""Flavor settings typed by JSON Schema: `--max-workers 4`, `--config key=value`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.catalog.settings import parse_config, parse_value, settings_for
from stackctl.errors import StackctlError


@given(st.integers())
def test_integers_round_trip(value: int) -> None:
    assert parse_value(str(value), ("integer", "null"), "k") == value


@given(st.text(max_size=20))
def test_strings_are_kept_verbatim(text: str) -> None:
    assert parse_value(text, ("string",), "k") == text


@pytest.mark.parametrize(
    ("text", "types", "expected"),
    [
        ("null", ("integer", "null"), None),
        ("None", ("string", "null"), None),
        ("yes", ("boolean",), True),
        ("off", ("boolean",), False),
        ("1.5", ("number",), 1.5),
        ('{"a": 1}', ("object",), {"a": 1}),
        ("[1, 2]", ("array",), [1, 2]),
        ("3", (), 3),
        ("true", (), True),
        ("text", (), "text"),
    ],
)
def test_parse_value_by_schema_type(text: str, types: tuple[str, ...], expected: object) -> None:
    assert parse_value(text, types, "k") == expected


@pytest.mark.parametrize(
    ("text", "types"), [("x", ("integer",)), ("[1]", ("object",)), ("maybe", ("boolean",))]
)
def test_wrong_types_are_errors(text: str, types: tuple[str, ...]) -> None:
    with pytest.raises(StackctlError, match="is not"):
        parse_value(text, types, "k")


def test_settings_for_a_type_cover_every_flavor() -> None:
    by_flag = {s.flag: s for s in settings_for("artifact_store", ["--config"])}
    assert by_flag["--uri"].flavors == ("fsspec", "s3")
    assert by_flag["--path"].flavors == ("local",)
    assert by_flag["--path"].help.startswith("Folder for artifacts")


def test_parse_config_merges_options_and_pairs_in_schema_order() -> None:
    config = parse_config(
        "orchestrator", "dask", ["processes=false"], {"n_workers": "3", "address": None}
    )
    assert config == {"n_workers": 3, "processes": False}
    assert list(config) == ["n_workers", "processes"]


def test_parse_config_refuses_keys_of_other_flavors() -> None:
    with pytest.raises(StackctlError, match="--path is not a setting of orchestrator flavor"):
        parse_config("orchestrator", "dask", [], {"path": "x"})
    with pytest.raises(StackctlError, match="is not KEY=VALUE"):
        parse_config("orchestrator", "dask", ["n_workers"], {})
