"""`--older-than` / `--grace` durations: a small grammar, checked with hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.runtime.durations import DurationError, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("7d", 604800),
        ("12h", 43200),
        ("30m", 1800),
        ("45s", 45),
        ("2w", 1209600),
        ("1d12h", 129600),
        ("0s", 0),
        (" 3H ", 10800),
    ],
)
def test_known_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "7", "d", "7x", "-1d", "1.5h", "7 d", "1d-2h", "7dd", "1e3s"])
def test_not_durations_name_the_flag(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(text, "--older-than")
    assert caught.value.message.startswith("--older-than: ")
    assert "\n" not in caught.value.message


@given(st.integers(min_value=0, max_value=10**8))
def test_format_round_trips(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from("wdhms")), min_size=1, max_size=5))
def test_parts_add_up(parts: list[tuple[int, str]]) -> None:
    size = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
    text = "".join(f"{n}{unit}" for n, unit in parts)
    assert parse_duration(text) == sum(n * size[u] for n, u in parts)


@given(st.text(max_size=12))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        assert parse_duration(text) >= 0
    except DurationError as exc:
        assert "\n" not in exc.message
