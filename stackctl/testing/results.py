"""What running test cases found: one CaseResult per case, failures with locations."""

from __future__ import annotations

from dataclasses import field

from stackctl.errors import Location
from stackctl.frozen import frozen


@frozen
class Failure:
    """One failed assertion: what was checked, expected vs got, and where it is written."""

    check: str  # e.g. "expect.destroys", "golden", "apply.drift"
    message: str  # "expected [], got [stack.prod]"
    location: Location
    hint: str = ""

    def render(self) -> str:
        text = f"{self.location}: {self.check}: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


@frozen
class CaseResult:
    """The outcome of one test case (``error`` when it could not even be run)."""

    file: str
    name: str
    location: Location
    failures: tuple[Failure, ...] = ()
    seconds: float = 0.0
    #: The case could not run (bad fixture, invalid config): a JUnit <error>, not <failure>.
    error: Failure | None = None
    golden_written: str = ""

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None


@frozen
class Report:
    """Every case of every file, in file order."""

    results: tuple[CaseResult, ...] = ()
    files: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0
