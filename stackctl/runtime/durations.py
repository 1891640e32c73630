"""Durations a user types: ``7d``, ``12h``, ``30m``, ``45s``, ``2w``, or several at once
(``1d12h``). A hand-written parser: the grammar is six units, and a library
(pytimeparse, isodate) would be one more dependency for less helpful errors.
"""

from __future__ import annotations

import re

from stackctl.errors import StackctlError, one_line

UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d{1,9})([wdhms])")
_WHOLE = re.compile(r"^(?:\d{1,9}[wdhms])+\Z")


class DurationError(StackctlError):
    """Text that is not a duration."""

    def __init__(self, text: str, flag: str) -> None:
        self.text = text
        super().__init__(
            f"{flag}: {one_line(text)!r} is not a duration",
            hint="write a number and a unit: 30m, 12h, 7d, 2w (or combined: 1d12h)",
        )


def parse_duration(text: str, flag: str = "duration") -> float:
    """Seconds in ``text`` (DurationError naming ``flag`` when it is not a duration)."""
    compact = text.strip().lower()
    if not _WHOLE.match(compact):
        raise DurationError(text, flag)
    return float(sum(int(n) * UNITS[unit] for n, unit in _PART.findall(compact)))


def format_duration(seconds: float) -> str:
    """The shortest ``parse_duration`` text for a whole number of seconds (``0s`` for 0)."""
    left, parts = int(seconds), []
    for unit, size in UNITS.items():
        if left >= size:
            parts.append(f"{left // size}{unit}")
            left %= size
    return "".join(parts) or "0s"
