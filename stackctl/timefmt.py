"""Durations and timestamps as people read them (also used as jinja filters)."""

from __future__ import annotations

from datetime import UTC, datetime


def parse(stamp: str | None) -> datetime | None:
    """An ISO-8601 timestamp (``Z`` or an offset; naive means UTC), or None."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def between(start: str | None, end: str | None) -> float | None:
    """Seconds from ``start`` to ``end`` (None when either is missing or unreadable)."""
    a, b = parse(start), parse(end)
    return None if a is None or b is None else max((b - a).total_seconds(), 0.0)


def duration(seconds: float | None) -> str:
    """``0.42s``, ``12.3s``, ``4m 05s``, ``2h 03m``; an empty string for None."""
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def when(stamp: str | None) -> str:
    """``2026-01-02 10:00:00 UTC`` from a stored ISO timestamp (as stored if unreadable)."""
    moment = parse(stamp)
    if moment is None:
        return stamp or ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def size(n: int | None) -> str:
    """``812 B``, ``1.5 KB``, ``3.2 MB`` (powers of 1024)."""
    if n is None:
        return ""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # pragma: no cover - the loop always returns
