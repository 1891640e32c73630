"""One error root for everything stackctl reports to a user.

Hierarchy (the CLI in ``cli/app.py`` is the single edge that maps these to exit codes)::

    StackctlError                 exit 1
     ├── ConfigError              one or more config diagnostics, each with file:line:col
     ├── NotFoundError            an unknown stack / component / pipeline / run / address
     ├── GraphError               a cycle or a dangling reference in a DAG
     ├── PlanError                a plan cannot be made or applied (prevent_destroy, bad file)
     │    └── StalePlanError      exit 4: the state or config moved since the plan was saved
     ├── StateError               a state store is corrupt, newer than us, or unreachable
     │    └── StateLockedError    exit 3: another writer holds the lock
     ├── ProvisionError           a flavor provisioner failed to create/update/delete
     ├── DeployError              a model server did not start, or cannot be found
     └── StepFailedError          a pipeline step failed after its retries

Every message names where the problem is and ends with the fix (the next command to run).
Structured fields stay on the object so tests and ``--json`` output can use them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from stackctl.frozen import frozen


def one_line(text: object) -> str:
    """``text`` with control characters escaped, for text that came from an untrusted file.

    A plan file or state row may hold any string; quoting one inside a message must not
    break the one-line contract (or forge extra lines on a CI log).
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


@frozen(order=True)  # sorted: diagnostics are listed by file, line, column
class Location:
    """Where something was declared: a file and a 1-based line and column."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@frozen
class Diagnostic:
    """One problem found in the configuration."""

    location: Location
    message: str
    pointer: str = ""  # JSON pointer inside the file, e.g. /components/orchestrator/local
    hint: str = ""

    def render(self) -> str:
        """`FILE:LINE:COL: error: MESSAGE`, then `  hint: FIX` (as StackctlError does)."""
        text = f"{self.location}: error: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "pointer": self.pointer,
            "message": self.message,
            "hint": self.hint,
        }


class StackctlError(Exception):
    """Root of every error stackctl shows to a user."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str = "", location: Location | None = None):
        self.message = message
        self.hint = hint
        self.location = location
        super().__init__(self.render())

    def render(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        text = f"{prefix}error: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "error": type(self).__name__,
            "message": self.message,
            "hint": self.hint,
        }
        if self.location:
            data["location"] = str(self.location)
        return data


class ConfigError(StackctlError):
    """The configuration is invalid; carries every diagnostic found in one pass."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics: Sequence[Diagnostic] = sorted(
            diagnostics, key=lambda d: (d.location, d.message)
        )
        first = self.diagnostics[0] if self.diagnostics else None
        super().__init__(
            first.message if first else "invalid configuration",
            hint=first.hint if first else "",
            location=first.location if first else None,
        )

    def render(self) -> str:
        lines = [d.render() for d in self.diagnostics]
        count = len(self.diagnostics)
        lines.append(
            "1 error found; fix it and run `stackctl validate`"
            if count == 1
            else f"{count} errors found; fix them and run `stackctl validate`"
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "error": "ConfigError",
            "message": f"{len(self.diagnostics)} configuration error(s)",
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


class NotFoundError(StackctlError):
    """A name the user gave does not exist."""


class GraphError(StackctlError):
    """A DAG has a cycle or a dangling edge."""


class PlanError(StackctlError):
    """A plan cannot be computed, read or applied."""


class StalePlanError(PlanError):
    """The state or configuration moved since the plan was saved."""

    exit_code = 4


class StateError(StackctlError):
    """A state store cannot be used safely (corrupt, newer schema, unreachable)."""


class StateLockedError(StateError):
    """Another writer holds the state lock."""

    exit_code = 3

    def __init__(self, message: str, *, lock_id: str = "", holder: str = "", hint: str = ""):
        self.lock_id = lock_id
        self.holder = holder
        super().__init__(message, hint=hint or f"wait, or run `stackctl force-unlock {lock_id}`")


class ProvisionError(StackctlError):
    """A provisioner could not make reality match the plan."""


class StepFailedError(StackctlError):
    """A pipeline step failed after all its retries."""

    def __init__(self, message: str, *, step: str = "", run_id: str = "", hint: str = ""):
        self.step = step
        self.run_id = run_id
        super().__init__(message, hint=hint)


class RunCancelled(KeyboardInterrupt):  # a stop, not an error: exit 130 / 143
    """Ctrl-C or SIGTERM stopped run ``run_id``; it is recorded `cancelled`. Still a
    KeyboardInterrupt, so whatever stops on Ctrl-C stops on it; it carries the run so
    the CLI's closing line can name it."""

    def __init__(self, run_id: str, stack: str) -> None:
        super().__init__(f"run {run_id} on stack {stack}: cancelled")
        self.run_id, self.stack = run_id, stack


class DeployError(StackctlError):
    """A model deployer could not start (or find) a model server."""
