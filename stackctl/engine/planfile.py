"""Saved plans: a readable, diffable JSON file with a checksum over its content.

A plan file holds the plan's JSON document (schemas/plan.schema.json) plus
``checksum: sha256:<hex>`` of the canonical JSON of everything else, so an edited or
truncated file is refused rather than applied. Freshness (state lineage/serial and
config digest) is checked by apply under the lock, see ``engine.apply.check_fresh``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

from stackctl.engine.changes import Plan
from stackctl.engine.outpath import check_writable, write_atomic
from stackctl.engine.planjson import plan_from_json, plan_json
from stackctl.engine.planshape import check_shape
from stackctl.errors import PlanError, StackctlError, StalePlanError


def _checksum(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def dumps(plan: Plan, *, version: str = "", environment: str = "") -> str:
    """The plan file text; ``environment`` (--env) is recorded, under the checksum."""
    document = plan_json(plan, version=version)
    if environment:  # without one, the file is what it always was
        document["environment"] = environment
    document["checksum"] = _checksum(document)
    return json.dumps(document, indent=2, default=str) + "\n"


#: A plan file larger than this is refused before it is read (10,000 resources make
#: about 15 MB); a device or FIFO named as a plan file is refused without reading.
MAX_BYTES = 256 * 1024 * 1024

_REDO = "make a new plan: `stackctl plan --out FILE` (never edit plan files by hand)"


def save(plan: Plan, path: Path, *, version: str = "", environment: str = "") -> None:
    """Write atomically (temp + rename): a crash never leaves half a plan file. A path
    that is not a regular file, or a file that is not a plan, is refused, never replaced."""
    hint = "choose another path with --out (or `--out -` for standard output)"
    try:
        check_writable(
            path,
            may_replace=is_plan_file,
            refuse="it is not a stackctl plan file",
            hint=hint,
            what="plan file",
        )
    except StackctlError as exc:
        raise PlanError(exc.message, hint=exc.hint) from None
    try:
        write_atomic(path, dumps(plan, version=version, environment=environment).encode())
    except OSError as exc:
        raise PlanError(f"cannot write plan file {path}: {exc.strerror}", hint=hint) from None


def is_plan_file(path: Path) -> bool:
    """Whether ``path`` holds a plan file (any version, even edited): replacing one with
    a new plan loses nothing the user wrote."""
    try:
        document = json.loads(_read(path))
    except (PlanError, RecursionError, ValueError):
        return False
    return isinstance(document, dict) and {"checksum", "format_version"} <= document.keys()


def _read(path: Path) -> str:
    bad = f"plan file {path}"
    try:
        with path.open("rb") as fp:
            st = os.fstat(fp.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise PlanError(f"{bad} is not a valid plan file (not a regular file)", hint=_REDO)
            if st.st_size > MAX_BYTES:
                raise PlanError(
                    f"{bad} is not a valid plan file ({st.st_size} bytes, the limit is "
                    f"{MAX_BYTES})",
                    hint=_REDO,
                )
            return fp.read(MAX_BYTES + 1).decode()
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"cannot read {bad}: {_reason(exc)}", hint=_REDO) from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def load(path: Path) -> Plan:
    """Read a plan file; PlanError when it is unreadable, truncated, hostile or edited."""
    bad = f"plan file {path}"
    # Opening a FIFO blocks until a writer comes: refuse before opening.
    try:
        if path.exists() and not path.is_file():
            raise PlanError(f"{bad} is not a valid plan file (not a regular file)", hint=_REDO)
    except OSError as exc:
        raise PlanError(f"cannot read {bad}: {_reason(exc)}", hint=_REDO) from None
    text = _read(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"{bad} is not valid JSON (truncated?): {exc}", hint=_REDO) from None
    except RecursionError:
        raise PlanError(f"{bad} is not a valid plan file (nested too deeply)", hint=_REDO) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4300 digits)
        raise PlanError(f"{bad} is not a valid plan file ({exc})", hint=_REDO) from None
    if not isinstance(document, dict) or "checksum" not in document:
        raise PlanError(f"{bad} is not a stackctl plan (no checksum)", hint=_REDO)
    claimed = document.pop("checksum")
    try:
        actual = _checksum(document)
    except (RecursionError, ValueError) as exc:
        raise PlanError(f"{bad} is not a valid plan file ({exc})", hint=_REDO) from None
    if claimed != actual:
        raise PlanError(f"{bad} was modified after it was saved (checksum mismatch)", hint=_REDO)
    environment = document.get("environment", "")
    if not isinstance(environment, str):
        raise PlanError(f"{bad} is not a valid plan file (environment is not a string)", hint=_REDO)
    try:
        plan = plan_from_json(document)
        check_shape(plan)
        return (
            replace(plan, meta={**plan.meta, "environment": environment}) if environment else plan
        )
    except PlanError as exc:
        raise PlanError(f"{bad} is not a valid plan file: {exc.message}", hint=_REDO) from None
    except (RecursionError, AttributeError, ValueError, TypeError, KeyError) as exc:
        raise PlanError(
            f"{bad} is not a valid plan file ({type(exc).__name__})", hint=_REDO
        ) from None


def check_environment(plan: Plan, environment: str) -> None:
    """Refuse (exit 4, like a plan of another state) a plan saved in another environment:
    each environment has its own state, so the plan describes changes to a state this
    command would not touch."""
    made = str(plan.meta.get("environment", ""))
    if made == environment:
        return
    flag = f"--env {made} " if made else ""
    here = f"--env {environment} " if environment else ""
    raise StalePlanError(
        f"this plan was made {_in(made)}, and this command runs {_in(environment)}",
        hint=f"apply it where it was made (`stackctl {flag}apply FILE`), or plan here: "
        f"`stackctl {here}plan --out FILE`",
    )


def _in(environment: str) -> str:
    return f"in environment {environment!r}" if environment else "without an environment"
