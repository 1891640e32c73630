"""Golden plan JSON: the plan a test case makes, compared with a reviewed file.

The file is the plan's JSON (schemas/plan.schema.json) without what differs from one
run to the next or says nothing to a reviewer: the state lineage (a fresh UUID for an
empty state), the stackctl version and the config digest. `stackctl test
--update-golden` writes it; it is only ever written inside the project, and only over
a file that is missing, empty or a golden plan itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stackctl.config.testfile import Assertion
from stackctl.engine.changes import Plan
from stackctl.engine.outpath import check_writable, write_atomic
from stackctl.engine.planjson import plan_json
from stackctl.errors import StackctlError
from stackctl.files import FileRefused, read_capped
from stackctl.testing.results import Failure

_UNSTABLE = ("lineage", "stackctl_version", "config_digest")
_HINT = "if the change is intended, rewrite it: `stackctl test --update-golden`"


def golden_document(plan: Plan) -> dict[str, Any]:
    document = plan_json(plan)
    for key in _UNSTABLE:
        document.pop(key, None)
    # through JSON once, so tuples and lists compare equal with what a file holds
    loaded: dict[str, Any] = json.loads(json.dumps(document, default=str))
    return loaded


def golden_text(plan: Plan) -> str:
    return json.dumps(golden_document(plan), indent=2) + "\n"


def golden_path(check: Assertion, folder: Path, project_root: Path) -> Path:
    path = (folder / str(check.expected)).resolve()
    if not path.is_relative_to(project_root.resolve()):
        raise StackctlError(
            f"golden file {check.expected} is outside the project",
            hint="keep golden files next to the test file",
            location=check.location,
        )
    return path


def compare(plan: Plan, check: Assertion, path: Path) -> Failure | None:
    """None when the file holds this plan; otherwise the first difference."""
    try:
        stored = json.loads(read_capped(path, str(check.expected)))
    except FileRefused as exc:
        return Failure("golden", f"{check.expected}: {exc.reason}", check.location, _HINT)
    except (ValueError, RecursionError) as exc:
        return Failure("golden", f"{check.expected} is not JSON ({exc})", check.location, _HINT)
    difference = first_difference(stored, golden_document(plan), "")
    if difference is None:
        return None
    where, expected, got = difference
    message = f"{check.expected} differs at {where or '(top)'}: expected {expected}, got {got}"
    return Failure("golden", message, check.location, _HINT)


def write(plan: Plan, check: Assertion, path: Path) -> None:
    hint = "point `golden:` at a new file, or remove the one there"
    check_writable(
        path,
        may_replace=_is_golden,
        refuse="it is not a golden plan file",
        hint=hint,
        what="golden file",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(path, golden_text(plan).encode())
    except OSError as exc:
        raise StackctlError(f"cannot write golden file {path}: {exc.strerror}", hint=hint) from None


def _is_golden(path: Path) -> bool:
    try:
        document = json.loads(read_capped(path, str(path)))
    except (FileRefused, ValueError, RecursionError):
        return False
    return (
        isinstance(document, dict)
        and "format_version" in document
        and "resource_changes" in document
    )


def first_difference(expected: Any, got: Any, at: str) -> tuple[str, str, str] | None:
    """(JSON path, expected, got) of the first place two documents differ."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in [*expected, *(k for k in got if k not in expected)]:
            if key not in got:
                return f"{at}.{key}".lstrip("."), _short(expected[key]), "(absent)"
            if key not in expected:
                return f"{at}.{key}".lstrip("."), "(absent)", _short(got[key])
            found = first_difference(expected[key], got[key], f"{at}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(got, list):
        for i, (a, b) in enumerate(zip(expected, got, strict=False)):
            found = first_difference(a, b, f"{at}[{i}]")
            if found:
                return found
        if len(expected) != len(got):
            return at.lstrip("."), f"{len(expected)} items", f"{len(got)} items"
        return None
    if expected != got:
        return at.lstrip("."), _short(expected), _short(got)
    return None


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 120 else text[:117] + "..."
