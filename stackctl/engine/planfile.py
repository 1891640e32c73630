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
from pathlib import Path
from typing import Any

from stackctl.engine.changes import Plan
from stackctl.engine.planjson import plan_from_json, plan_json
from stackctl.errors import PlanError


def _checksum(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def dumps(plan: Plan, *, version: str = "") -> str:
    """The plan file text."""
    document = plan_json(plan, version=version)
    document["checksum"] = _checksum(document)
    return json.dumps(document, indent=2, default=str) + "\n"


def save(plan: Plan, path: Path, *, version: str = "") -> None:
    """Write atomically (temp + rename): a crash never leaves half a plan file."""
    if not path.name:  # `--out .` or `--out ''`: a directory, not a file to write
        raise PlanError(
            f"cannot write plan file {str(path)!r}: it names a directory, not a file",
            hint="give a file name, e.g. --out plan.json",
        )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(dumps(plan, version=version))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PlanError(
            f"cannot write plan file {path}: {exc.strerror}",
            hint="choose a writable path with --out",
        ) from None


def load(path: Path) -> Plan:
    """Read a plan file; PlanError when it is unreadable, truncated or edited."""
    bad = f"plan file {path}"
    redo = "make a new plan: `stackctl plan --out FILE` (never edit plan files by hand)"
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"cannot read {bad}: {exc}", hint=redo) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"{bad} is not valid JSON (truncated?): {exc}", hint=redo) from None
    if not isinstance(document, dict) or "checksum" not in document:
        raise PlanError(f"{bad} is not a stackctl plan (no checksum)", hint=redo)
    claimed = document.pop("checksum")
    if claimed != _checksum(document):
        raise PlanError(f"{bad} was modified after it was saved (checksum mismatch)", hint=redo)
    return plan_from_json(document)
