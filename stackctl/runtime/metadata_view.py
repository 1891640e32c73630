"""Logged metadata arranged for reading: per run, per step and per output, with
dotted lookups (``metrics.accuracy``) for `runs list --columns`.

A top-level key whose value is a dict is a *card*: its keys are shown together under
its name. Everything else is a plain key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stackctl.model import MetadataEntry
from stackctl.runtime.metadata import ARTIFACT, RUN, STEP

_MISSING = object()


def run_metadata(entries: Iterable[MetadataEntry]) -> dict[str, Any]:
    """What the run's steps logged with ``run=True`` (a later key replaces an earlier)."""
    return {e.key: e.value for e in entries if e.scope == RUN}


def step_metadata(entries: Iterable[MetadataEntry]) -> dict[str, dict[str, Any]]:
    """Step name -> what it logged about itself."""
    found: dict[str, dict[str, Any]] = {}
    for e in entries:
        if e.scope == STEP:
            found.setdefault(e.step, {})[e.key] = e.value
    return found


def output_metadata(entries: Iterable[MetadataEntry]) -> dict[tuple[str, str], dict[str, Any]]:
    """(step, output) -> its metadata (automatic and logged)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for e in entries:
        if e.scope == ARTIFACT:
            found.setdefault((e.step, e.output), {})[e.key] = e.value
    return found


def lookup(metadata: Mapping[str, Any], dotted: str) -> Any:
    """``metadata["a"]["b"]`` for ``a.b``; a key that itself has a dot wins; _MISSING."""
    if dotted in metadata:
        return metadata[dotted]
    head, dot, rest = dotted.partition(".")
    inner = metadata.get(head, _MISSING)
    if dot and isinstance(inner, Mapping):
        return lookup(inner, rest)
    return _MISSING


def column(entries: Sequence[MetadataEntry], dotted: str) -> Any:
    """The value `runs list --columns KEY` shows for a run: the run's metadata first,
    then each step's in the order they logged it; None when no one logged it."""
    found = lookup(run_metadata(entries), dotted)
    if found is not _MISSING:
        return found
    for values in step_metadata(entries).values():
        found = lookup(values, dotted)
        if found is not _MISSING:
            return found
    return None


def cards(metadata: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Mapping[str, Any]]]:
    """(plain keys, cards): a dict value is a card of its own keys."""
    plain = {k: v for k, v in metadata.items() if not isinstance(v, Mapping)}
    grouped = {k: v for k, v in metadata.items() if isinstance(v, Mapping)}
    return plain, grouped
