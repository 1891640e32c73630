"""The validation report and the pandera validator (real pandera, no CLI)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.components.data_validators.pandera import PanderaValidator
from stackctl.components.data_validators.pandera_provision import PanderaProvisioner
from stackctl.components.data_validators.report import (
    CheckFailure,
    DataValidationError,
    ValidationReport,
    from_failure_cases,
)
from stackctl.errors import ProvisionError, StackctlError

SCHEMA = """\
schema_type: dataframe
columns:
  x:
    dtype: int64
    checks:
      greater_than: 0
  name:
    dtype: str
    nullable: false
"""


@pytest.fixture
def validator(tmp_path: Path) -> PanderaValidator:
    (tmp_path / "validation").mkdir()
    (tmp_path / "validation" / "s.yaml").write_text(SCHEMA)
    return PanderaValidator("pv", {"schemas": {"s": "validation/s.yaml"}}, tmp_path)


def test_a_passing_frame_gives_a_passing_report(validator: PanderaValidator) -> None:
    report = validator.validate(pd.DataFrame({"x": [1, 2], "name": ["a", "b"]}), "s")
    assert report.passed
    assert report.checks == (
        "x: dtype('int64')",
        "x: not_nullable",  # pandera's default
        "x: greater_than(0)",
        "name: dtype('str')",
        "name: not_nullable",
    )
    assert report.summary() == "the data passes s: 5 checks on 2 rows"


def test_every_failed_check_is_reported_with_counts(validator: PanderaValidator) -> None:
    frame = pd.DataFrame({"x": [1, -2, -3], "name": ["a", None, "c"]})
    report = validator.validate(frame, "validation/s.yaml")
    assert not report.passed
    assert [(f.column, f.check, f.failures) for f in report.failed] == [
        ("x", "greater_than(0)", 2),
        ("name", "not_nullable", 1),
    ]
    assert report.failed[0].examples == ("-2", "-3")


def test_a_missing_column_is_a_table_level_failure(validator: PanderaValidator) -> None:
    report = validator.validate(pd.DataFrame({"x": [1]}), "s")
    assert [(f.column, f.check) for f in report.failed] == [("", "column_in_dataframe")]


def test_only_dataframes_are_checked(validator: PanderaValidator) -> None:
    with pytest.raises(StackctlError, match="checks pandas DataFrames, not list"):
        validator.validate([1, 2], "s")


def test_the_validator_pickles_without_its_loaded_schemas(validator: PanderaValidator) -> None:
    validator.schema("s")
    copy = pickle.loads(pickle.dumps(validator))
    assert copy._loaded == {} and copy.config == validator.config


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("nope", r"neither a schema name of the data validator \(s\) nor a"),
        ("../outside.yaml", "is outside the project"),
        ("validation/missing.yaml", "schema file validation/missing.yaml does not exist"),
    ],
)
def test_bad_schema_references_are_one_line(
    validator: PanderaValidator, ref: str, message: str
) -> None:
    with pytest.raises(StackctlError, match=message) as caught:
        validator.schema(ref)
    assert caught.value.hint


def test_a_file_that_is_not_a_schema_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("columns: [\n")
    with pytest.raises(StackctlError, match="schema file bad.yaml is not a pandera schema"):
        PanderaValidator("pv", {}, tmp_path).schema("bad.yaml")


def test_the_summary_names_a_bounded_list_of_checks() -> None:
    failed = tuple(CheckFailure(f"c{i}", "positive", i + 1) for i in range(8))
    report = ValidationReport("s.yaml", 10, 8, ("a",) * 8, failed)
    summary = report.summary()
    assert summary.startswith("the data does not pass s.yaml: 8 failed checks on 10 rows (")
    assert "c4: positive x5" in summary and "c5:" not in summary
    assert summary.endswith("and 3 more)")
    assert len(report.lines()) == 8


def test_the_report_dict_is_json_and_the_error_names_the_checks() -> None:
    report = from_failure_cases(
        "s.yaml",
        3,
        1,
        ["x: positive"],
        [{"column": "x", "check": "positive", "failure_case": v} for v in (-1, -2, -3, -4)],
    )
    data = json.loads(json.dumps(report.to_dict()))
    assert data["passed"] is False
    assert data["failed"] == [
        {"column": "x", "check": "positive", "failures": 4, "examples": ["-1", "-2", "-3"]}
    ]
    error = DataValidationError(report, where="file:///r.json")
    assert str(error).splitlines() == [
        "the data does not pass s.yaml: 1 failed check on 3 rows (x: positive x4)",
        "  hint: the full report: file:///r.json",
    ]


@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_the_html_escapes_everything_from_the_data(column: str, check: str, value: str) -> None:
    cases = [{"column": column, "check": check, "failure_case": value}]
    body = from_failure_cases(f"<{column}>", 1, 1, [], cases).html().split("<body>", 1)[1]
    for tag in ("h1", "p", "table", "tr", "th", "td", "body", "html"):
        body = body.replace(f"<{tag}>", "").replace(f"</{tag}>", "")
    assert "<" not in body  # nothing from the data became markup


def test_the_provisioner_loads_every_schema_and_observes_them(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(SCHEMA)
    config = {"schemas": {"s": "s.yaml"}}
    outputs = PanderaProvisioner().create(config, tmp_path)
    assert list(outputs["schemas"]) == ["s"]
    assert PanderaProvisioner().observe(config, tmp_path).exists
    (tmp_path / "s.yaml").unlink()
    seen = PanderaProvisioner().observe(config, tmp_path)
    assert not seen.exists and seen.detail == "schema file s.yaml (s) is missing"
    with pytest.raises(ProvisionError, match="schema file s.yaml does not exist"):
        PanderaProvisioner().create(config, tmp_path)
