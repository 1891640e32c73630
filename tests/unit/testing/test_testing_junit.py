"""JUnit XML: valid against the committed JUnit schema whatever the messages hold."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from hypothesis import given
from hypothesis import strategies as st

from stackctl.errors import Location, StackctlError
from stackctl.testing.junit import junit_xml, write_junit
from stackctl.testing.results import CaseResult, Failure, Report

XSD = xmlschema.XMLSchema(Path(__file__).parents[2] / "data" / "junit" / "junit.xsd")
AT = Location("tests/a.stackctl.yaml", 3, 5)


def report(message: str = "expected [], got [stack.p]") -> Report:
    return Report(
        (
            CaseResult("tests/a.stackctl.yaml", "ok", AT, seconds=0.25),
            CaseResult(
                "tests/a.stackctl.yaml", "bad", AT, (Failure("expect.destroys", message, AT),)
            ),
            CaseResult("tests/b.stackctl.yaml", "broken", AT, error=Failure("error", message, AT)),
        ),
        ("tests/a.stackctl.yaml", "tests/b.stackctl.yaml"),
    )


def test_counts_and_structure() -> None:
    doc = XSD.to_dict(junit_xml(report()))
    assert (doc["@tests"], doc["@failures"], doc["@errors"]) == (3, 1, 1)
    first, second = doc["testsuite"]
    assert [c["@name"] for c in first["testcase"]] == ["ok", "bad"]
    assert (
        first["testcase"][1]["failure"]["@message"] == "expect.destroys: expected [], got [stack.p]"
    )
    assert "tests/a.stackctl.yaml:3:5: expect.destroys" in first["testcase"][1]["failure"]["$"]
    assert second["testcase"][0]["error"]["@type"] == "TestError"


@given(st.text(max_size=80))
def test_any_message_gives_valid_junit(message: str) -> None:
    XSD.validate(junit_xml(report(message)))


def test_only_junit_files_are_replaced(tmp_path: Path) -> None:
    target = tmp_path / "junit.xml"
    write_junit(report(), target)
    write_junit(report(), target)  # its own file: replaced
    XSD.validate(target)
    mine = tmp_path / "notes.txt"
    mine.write_text("my notes")
    with pytest.raises(StackctlError, match="refusing to replace"):
        write_junit(report(), mine)
    assert mine.read_text() == "my notes"
