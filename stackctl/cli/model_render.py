"""Human text for `stackctl model show` and `model promote` (tested by golden files)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from stackctl.model import StageChange
from stackctl.timefmt import when


def detail_text(d: dict[str, Any]) -> str:
    run = d["run"]
    lines = [
        f"model {d['model']} version {d['version']}"
        + (f" ({d['ref']})" if d["ref"] != str(d["version"]) else ""),
        f"  stage:    {d['stage'] or '-'}",
        f"  created:  {when(d['created_at'])}",
        f"  run:      {run['id']} ({run['pipeline']} on stack {run['stack']}, {run['status']})",
        "",
        "artifacts:",
    ]
    width = max((len(f"{a['step']}.{a['name']}") for a in d["artifacts"]), default=0)
    types = max((len(a["type"]) for a in d["artifacts"]), default=0)
    sizes = max((len(f"{a['size']} B") for a in d["artifacts"]), default=0)
    for a in d["artifacts"]:
        label = f"{a['step']}.{a['name']}".ljust(width)
        size = f"{a['size']} B".rjust(sizes)
        mark = "  <- model" if a["model"] else ""
        digest = f"sha256:{a['digest'][:12]}"
        lines.append(f"  {label}  {a['type'].ljust(types)}  {size}  {digest}{mark}")
    if not d["artifacts"]:
        lines.append("  (none)")
    lines += ["", "metadata:"]
    for key, value in d["metadata"].items():
        lines.append(f"  {key}: {json.dumps(value, sort_keys=True, default=str)}")
    if not d["metadata"]:
        lines.append("  (none)")
    lines += ["", "stage history:"]
    for c in d["stage_history"]:
        lines.append(
            f"  {when(c['at'])}  {c['from_stage'] or '(none)'} -> {c['to_stage']}  by {c['who']}"
        )
    if not d["stage_history"]:
        lines.append("  (never promoted)")
    return "\n".join(lines)


def changes_text(name: str, version: str, stage: str, changes: Sequence[StageChange]) -> str:
    if not changes:
        return f"{name} version {int(version)} is already in {stage}: nothing moved"
    return "\n".join(
        f"{c.model} version {c.version}: {c.from_stage or '(none)'} -> {c.to_stage}"
        for c in changes
    )
