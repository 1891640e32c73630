"""State URLs for `state migrate --to`: parsing, and passwords never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.errors import StateError
from stackctl.model import StateConfig
from stackctl.state.urls import config_from_url, describe, redact, store_key

CWD = Path("/work/project")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h:5432/db", StateConfig("postgres", url="postgresql://u@h:5432/db")),
        ("postgres://u@h/db", StateConfig("postgres", url="postgres://u@h/db")),
        ("sqlite:///rel/state.db", StateConfig("sqlite", path="/work/project/rel/state.db")),
        ("sqlite:////abs/state.db", StateConfig("sqlite", path="/abs/state.db")),
        ("copy.db", StateConfig("sqlite", path="/work/project/copy.db")),
        ("/abs/copy.db", StateConfig("sqlite", path="/abs/copy.db")),
    ],
)
def test_urls_name_a_backend(url: str, expected: StateConfig) -> None:
    assert config_from_url(url, CWD) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:pw@h/db", "unsupported state URL scheme 'mysql'"),
        ("sqlite://", "names no file"),
        ("sqlite:///", "names no file"),
        ("sqlite:///x.db?mode=ro", "take no options"),
        ("  ", "empty"),
    ],
)
def test_bad_urls_say_what_works(url: str, message: str) -> None:
    with pytest.raises(StateError, match=message) as caught:
        config_from_url(url, CWD)
    assert "pw" not in caught.value.message


@given(
    user=st.text(st.characters(blacklist_characters=":/@?#&", blacklist_categories=["Cs"])),
    password=st.text(
        st.characters(blacklist_characters="@", blacklist_categories=["Cs"]), min_size=1
    ).filter(lambda p: p.strip() and "***" not in p),
)
def test_a_password_is_never_shown(user: str, password: str) -> None:
    url = f"postgresql://{user}:{password}@127.0.0.1:5432/db"
    assert redact(url) == f"postgresql://{user}:***@127.0.0.1:5432/db"
    shown = describe(config_from_url(url, CWD), CWD)
    assert shown == redact(url)


def test_password_parameters_are_redacted_too() -> None:
    assert redact("postgresql://h/db?sslmode=require&password=s3cret") == (
        "postgresql://h/db?sslmode=require&password=***"
    )


def test_same_store_and_descriptions(tmp_path: Path) -> None:
    inside = StateConfig("sqlite", path=".stackctl/state.db")
    absolute = StateConfig("sqlite", path=str(tmp_path / ".stackctl" / "state.db"))
    assert store_key(inside, tmp_path) == store_key(absolute, tmp_path)
    assert describe(absolute, tmp_path) == ".stackctl/state.db"
    elsewhere = StateConfig("sqlite", path="/elsewhere/state.db")
    assert describe(elsewhere, tmp_path) == "/elsewhere/state.db"
