"""Text and JSON forms of what `artifacts prune` and `runs delete` freed."""

from __future__ import annotations

from typing import Any

from stackctl.cli import render
from stackctl.runtime.prune import PruneResult
from stackctl.timefmt import when


def mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


def summary(result: PruneResult) -> str:
    verb = "Would prune" if result.dry_run else "Pruned"
    runs = f"{len(result.runs)} run{'' if len(result.runs) == 1 else 's'}"
    objects = f"{result.objects} object{'' if result.objects == 1 else 's'}"
    return f"{verb} {objects} ({mib(result.bytes)}) from {runs}; kept {result.kept}."


def deleted(result: PruneResult, *, artifacts: bool) -> str:
    count = len(result.runs)
    runs = f"{count} run{'' if count == 1 else 's'}"
    if not artifacts:
        return f"Deleted {runs}."
    objects = f"{result.objects} object{'' if result.objects == 1 else 's'}"
    return f"Deleted {runs} and {objects} ({mib(result.bytes)}) only they used; kept {result.kept}."


def listing(result: PruneResult) -> None:
    for run in result.runs:
        render.out(f"  run {run.id[:8]}  {run.pipeline}  {when(run.started_at)}")
    for swept in result.stores:
        for entry in swept.freed:
            render.out(f"  {swept.store}: {entry.key}  {entry.size} B")


def notes(result: PruneResult) -> list[str]:
    lines = [
        f"note: artifact store {s.store!r} not swept: {s.note}" for s in result.stores if s.note
    ]
    if result.young:
        lines.append(
            f"note: kept {result.young} unreferenced object(s) modified within the grace "
            "period (--grace): a later prune frees them"
        )
    if result.deferred:
        lines.append(
            f"note: kept {result.deferred} object(s) the deleted records pointed at: a run "
            "is still running and may reuse them; prune again once it ends"
        )
    return lines


def show(result: PruneResult, *, verbose: bool, json: bool) -> None:
    if json:
        render.emit_json(as_json(result))
        return
    render.out(summary(result))
    if verbose:
        listing(result)
    for line in notes(result):
        render.err(line)


def as_json(result: PruneResult) -> dict[str, Any]:
    return {
        "dry_run": result.dry_run,
        "runs": [r.id for r in result.runs],
        "objects": result.objects,
        "bytes": result.bytes,
        "kept": result.kept,
        "deferred": result.deferred,
        "young": result.young,
        "stores": [
            {
                "name": s.store,
                "freed": [{"key": e.key, "size": e.size} for e in s.freed],
                "kept": s.kept,
                "note": s.note,
            }
            for s in result.stores
        ],
    }
