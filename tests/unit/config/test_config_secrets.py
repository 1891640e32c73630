from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.config.secrets import (
    Secrets,
    digest_config,
    env_name,
    is_sensitive,
    reveal,
    template,
)
from stackctl.errors import StackctlError


def test_env_name():
    assert env_name("aws_key") == "STACKCTL_SECRET_AWS_KEY"
    assert env_name("db.pass-word") == "STACKCTL_SECRET_DB_PASS_WORD"


def test_environment_wins_over_the_secrets_file(tmp_path: Path):
    (tmp_path / ".stackctl").mkdir()
    (tmp_path / ".stackctl" / "secrets.yaml").write_text("a: from-file\nb: 2\ndb:\n  pw: nested\n")
    secrets = Secrets(tmp_path, {"STACKCTL_SECRET_A": "from-env"})
    assert secrets.get("a") == "from-env"
    assert secrets.get("b") == "2"
    assert secrets.get("db.pw") == "nested"
    assert secrets.get("missing") is None


def test_bad_secrets_file_is_a_clear_error(tmp_path: Path):
    (tmp_path / ".stackctl").mkdir()
    (tmp_path / ".stackctl" / "secrets.yaml").write_text("- a\n- b\n")
    with pytest.raises(StackctlError, match="must be a mapping"):
        Secrets(tmp_path, {}).get("a")


def test_digest_changes_with_the_value_and_never_contains_it():
    one = digest_config({"k": "${secret:t}", "n": 1}, Secrets(None, {"STACKCTL_SECRET_T": "v1"}))
    two = digest_config({"k": "${secret:t}", "n": 1}, Secrets(None, {"STACKCTL_SECRET_T": "v2"}))
    assert one != two and one["n"] == 1
    assert template(one["k"]) == "${secret:t}" and is_sensitive(one["k"])
    assert "v1" not in one["k"]


def test_reveal_resolves_digested_leaves_and_names_missing_ones():
    secrets = Secrets(None, {"STACKCTL_SECRET_T": "tok"})
    config = digest_config({"url": "https://u:${secret:t}@h", "list": ["${secret:t}"]}, secrets)
    assert reveal(config, secrets, "x") == {"url": "https://u:tok@h", "list": ["tok"]}
    with pytest.raises(StackctlError, match="secret 't' \\(used by x\\) is not set"):
        reveal(config, Secrets(None, {}), "x")


@given(st.text(min_size=1, max_size=40))
def test_digest_never_leaks_any_value(value):
    secrets = Secrets(None, {"STACKCTL_SECRET_T": value})
    leaf = digest_config("${secret:t}", secrets)
    assert leaf.startswith("${secret:t} #sha256:")
    assert reveal(leaf, secrets, "x") == value
