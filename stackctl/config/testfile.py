"""Test files (`tests/*.stackctl.yaml`): read, schema-check, turn into test cases.

Each assertion keeps the file:line:col of its value, so a failing test points at the
line that states the expectation (as a failing pytest assert does). The cases are plain
frozen data: running them is ``stackctl.testing``'s job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from functools import partial
from pathlib import Path
from typing import Any

from stackctl.config.documents import load_document
from stackctl.config.yaml import Document
from stackctl.errors import ConfigError, Location
from stackctl.frozen import frozen

#: Where `stackctl test` looks when no file is named, relative to the project root.
TEST_GLOB = "tests/*.stackctl.yaml"
load_test_file = partial(load_document, schema="test-file.schema.json")

#: The plan assertions, in the order they are checked and reported.
PLAN_CHECKS = (
    "error",
    "creates",
    "updates",
    "replaces",
    "destroys",
    "replaces_none",
    "no_changes",
    "attribute",
)


@frozen
class Assertion:
    """One expectation: ``kind`` (e.g. ``creates``, ``attribute``, ``state``), what is
    expected, and where the file says so."""

    kind: str
    expected: Any
    location: Location
    #: For ``attribute``/``state``: the resource address and the dotted attribute path.
    address: str = ""
    path: str = ""


@frozen
class PlanTest:
    """A named test: plan with these inputs, then check these assertions."""

    file: str  # as shown to users (relative to the project root)
    name: str
    location: Location
    folder: Path  # the test file's folder: fixture and golden paths are relative to it
    vars: Mapping[str, Any] = field(default_factory=dict)
    var_locations: Mapping[str, Location] = field(default_factory=dict)
    state: str = "empty"
    state_location: Location | None = None
    destroy: bool = False
    targets: tuple[str, ...] = ()
    refresh: bool = False
    checks: tuple[Assertion, ...] = ()
    golden: Assertion | None = None
    apply: bool = False
    after_apply: tuple[Assertion, ...] = ()


def load_tests(path: Path, root: Path, schemas_dir: Path) -> list[PlanTest]:
    """The test cases of one file; ConfigError with every schema problem otherwise."""
    doc, data, problems = load_test_file(path, root, schemas_dir=schemas_dir)
    if problems:
        raise ConfigError(problems)
    return [_case(doc, name, raw) for name, raw in data["tests"].items()]


def _case(doc: Document, name: str, raw: Mapping[str, Any]) -> PlanTest:
    at = ("tests", name)
    expect = raw.get("expect") or {}
    checks: list[Assertion] = []
    for kind in PLAN_CHECKS:
        if kind not in expect:
            continue
        if kind == "attribute":
            checks += _attributes(doc, "attribute", (*at, "expect", kind), expect[kind])
        else:
            where = doc.locate_value((*at, "expect", kind))
            checks.append(Assertion(kind, expect[kind], where))
    apply = raw.get("apply", False)
    after: list[Assertion] = []
    if isinstance(apply, dict):
        if "state" in apply:
            after += _attributes(doc, "state", (*at, "apply", "state"), apply["state"])
        if "drift" in apply:
            after.append(
                Assertion("drift", apply["drift"], doc.locate_value((*at, "apply", "drift")))
            )
    golden = None
    if "golden" in raw:
        golden = Assertion("golden", raw["golden"], doc.locate_value((*at, "golden")))
    return PlanTest(
        file=doc.display,
        name=name,
        location=doc.locate(at),
        folder=doc.path.parent,
        vars=dict(raw.get("vars") or {}),
        var_locations={k: doc.locate((*at, "vars", k)) for k in raw.get("vars") or {}},
        state=raw.get("state", "empty"),
        state_location=doc.locate_value((*at, "state")) if "state" in raw else None,
        destroy=bool(raw.get("destroy", False)),
        targets=tuple(raw.get("targets") or ()),
        refresh=bool(raw.get("refresh", False)),
        checks=tuple(checks),
        golden=golden,
        apply=apply is not False,
        after_apply=tuple(after),
    )


def _attributes(
    doc: Document, kind: str, at: tuple[str | int, ...], raw: Mapping[str, Any]
) -> list[Assertion]:
    return [
        Assertion(kind, value, doc.locate_value((*at, address, path)), address, path)
        for address, attrs in raw.items()
        for path, value in attrs.items()
    ]
