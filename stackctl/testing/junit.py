"""JUnit XML of a test report, for CI (GitHub Actions, GitLab, Jenkins read it).

One <testsuite> per test file and one <testcase> per case. A failed assertion is a
<failure> (its message is the first failing check, the text lists them all with their
file:line:col); a case that could not run (bad snapshot, invalid config) is an <error>.
tests/data/junit/junit.xsd is the schema a test checks this against.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from stackctl.engine.outpath import check_writable, write_atomic
from stackctl.errors import StackctlError
from stackctl.files import FileRefused, read_capped
from stackctl.testing.results import CaseResult, Report

#: Characters XML 1.0 cannot hold at all (escaping does not help): shown as U+FFFD.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def junit_xml(report: Report) -> str:
    """The XML document (UTF-8, with declaration)."""
    root = ET.Element("testsuites", _counts("stackctl test", report.results))
    # every attribute and text goes through _text: a message may quote anything
    for file in report.files:
        cases = [r for r in report.results if r.file == file]
        suite = ET.SubElement(root, "testsuite", _counts(file, cases))
        for result in cases:
            _case(suite, result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _counts(name: str, results: list[CaseResult] | tuple[CaseResult, ...]) -> dict[str, str]:
    return {
        "name": _text(name),
        "tests": str(len(results)),
        "failures": str(sum(1 for r in results if r.failures and r.error is None)),
        "errors": str(sum(1 for r in results if r.error is not None)),
        "skipped": "0",
        "time": f"{sum(r.seconds for r in results):.3f}",
    }


def _case(suite: ET.Element, result: CaseResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "name": result.name,
            "classname": _text(result.file),
            "file": _text(result.file),
            "line": str(result.location.line),
            "time": f"{result.seconds:.3f}",
        },
    )
    if result.error is not None:
        node = ET.SubElement(
            case, "error", {"message": _text(result.error.message), "type": "TestError"}
        )
        node.text = _text(result.error.render())
    elif result.failures:
        first = result.failures[0]
        node = ET.SubElement(
            case,
            "failure",
            {"message": _text(f"{first.check}: {first.message}"), "type": "AssertionFailed"},
        )
        node.text = _text("\n".join(f.render() for f in result.failures))


def write_junit(report: Report, path: Path) -> None:
    """Write the XML atomically; only a missing, empty or JUnit file is replaced."""
    hint = "choose another path with --junit-xml"
    check_writable(
        path,
        may_replace=_is_junit,
        refuse="it is not a JUnit XML file",
        hint=hint,
        what="JUnit file",
    )
    try:
        write_atomic(path, junit_xml(report).encode())
    except OSError as exc:
        raise StackctlError(f"cannot write {path}: {exc.strerror}", hint=hint) from None


def _is_junit(path: Path) -> bool:
    try:
        head = read_capped(path, str(path))[:4096].decode(errors="replace")
    except FileRefused:
        return False
    return "<testsuites" in head or "<testsuite" in head
