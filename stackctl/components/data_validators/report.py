"""A validation report: what was checked, what failed, and how it looks in a browser.

Plain data (``to_dict`` is JSON), so the report artifact is readable by any tool and
by ``stackctl artifacts show``. ``html`` is a self-contained page, every value escaped;
the report's materializer stores it as the output's visualization (``materializer.py``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import asdict, field
from typing import Any

from stackctl.components.data_validators.materializer import ReportDict
from stackctl.errors import StackctlError
from stackctl.frozen import frozen

#: Failed checks named in the error line (the report and the log keep all of them).
LISTED = 5
#: Example failing values kept per check (bounded: the data may be huge).
EXAMPLES = 3


@frozen
class CheckFailure:
    """One check that failed: on which column, how many values, a few of them."""

    column: str  # "" for a check on the whole DataFrame
    check: str  # e.g. "greater_than(0)", "column_in_dataframe"
    failures: int
    examples: tuple[str, ...] = ()

    def label(self) -> str:
        where = f"{self.column}: " if self.column else ""
        return f"{where}{self.check} x{self.failures}"


@frozen
class ValidationReport:
    """The outcome of one validation of one DataFrame against one schema."""

    schema: str  # as declared (a name or a project-relative path)
    rows: int
    columns: int
    checks: tuple[str, ...]  # every check the schema declares, "column: check"
    failed: tuple[CheckFailure, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return not self.failed

    def summary(self, listed: int = LISTED) -> str:
        """One line: the verdict, counts and the first ``listed`` failed checks."""
        if self.passed:
            return f"the data passes {self.schema}: {len(self.checks)} checks on {self.rows} rows"
        named = ", ".join(f.label() for f in self.failed[:listed])
        more = len(self.failed) - listed
        tail = f" and {more} more" if more > 0 else ""
        return (
            f"the data does not pass {self.schema}: {len(self.failed)} failed check"
            f"{'s' if len(self.failed) != 1 else ''} on {self.rows} rows ({named}{tail})"
        )

    def lines(self) -> list[str]:
        """Every failed check on its own line (for the step log)."""
        return [
            f"  failed: {f.label()}" + (f" (e.g. {', '.join(f.examples)})" if f.examples else "")
            for f in self.failed
        ]

    def to_dict(self) -> ReportDict:
        data = asdict(self)
        data["failed"] = [{**asdict(f), "examples": list(f.examples)} for f in self.failed]
        data["checks"] = list(self.checks)
        return ReportDict({"passed": self.passed, **data, "html": self.html()})

    def html(self) -> str:
        """A self-contained HTML page (no scripts); every value escaped."""
        e = html.escape
        verdict = "passed" if self.passed else "failed"
        rows = "".join(
            f"<tr><td>{e(f.column or '(table)')}</td><td>{e(f.check)}</td>"
            f"<td>{f.failures}</td><td>{e(', '.join(f.examples))}</td></tr>"
            for f in self.failed
        )
        table = (
            "<table><tr><th>column</th><th>check</th><th>failures</th><th>examples</th></tr>"
            f"{rows}</table>"
            if self.failed
            else ""
        )
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{e(self.schema)}</title>"
            "</head><body>"
            f"<h1>Validation {verdict}: {e(self.schema)}</h1>"
            f"<p>{self.rows} rows, {self.columns} columns, {len(self.checks)} checks, "
            f"{len(self.failed)} failed</p>{table}</body></html>"
        )


def from_failure_cases(
    schema: str, rows: int, columns: int, checks: Sequence[str], cases: Sequence[Mapping[str, Any]]
) -> ValidationReport:
    """A report from failure cases (``column``, ``check``, ``failure_case`` per row),
    grouped per (column, check) in first-seen order."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for case in cases:
        column = case.get("column")
        key = ("" if column is None else str(column), str(case.get("check")))
        grouped.setdefault(key, []).append(_short(case.get("failure_case")))
    failed = tuple(
        CheckFailure(column, check, len(values), tuple(values[:EXAMPLES]))
        for (column, check), values in grouped.items()
    )
    return ValidationReport(schema, rows, columns, tuple(checks), failed)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


class DataValidationError(StackctlError):
    """Raised by the built-in validation step: the data failed its schema.

    The first line names the failed checks, since the run shows it as the step's error.
    """

    def __init__(self, report: ValidationReport, where: str = "") -> None:
        self.report = report
        hint = f"the full report: {where}" if where else ""
        super().__init__(report.summary(), hint=hint)

    def __str__(self) -> str:
        return self.message + (f"\n  hint: {self.hint}" if self.hint else "")
