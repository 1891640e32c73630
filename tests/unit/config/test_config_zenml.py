"""Translation of `zenml stack export` files (all three shapes) to stackctl names."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.config.yaml import read_document, to_plain
from stackctl.config.zenml import (
    NAME,
    is_zenml_export,
    parse_export,
    safe_name,
    translate_secrets,
)
from stackctl.errors import ConfigError

DATA = Path(__file__).parents[2] / "data" / "zenml"


def load(name: str) -> dict:
    return to_plain(read_document(DATA / name, name).data)


def test_mapping_form_with_secrets_and_s3_settings() -> None:
    stack = parse_export(load("s3_stack.yaml"), "s3_stack.yaml")
    assert stack.name == "s3_stack"
    assert stack.zenml_version == "0.58.2"
    store = stack.components["artifact_store"]
    assert (store.name, store.flavor) == ("s3-store", "s3")
    assert store.config == {
        "uri": "s3://my-bucket/zenml",
        "endpoint_url": "http://127.0.0.1:9000",
        "region": "eu-west-1",
        "key": "${secret:aws_creds_access_key}",
        "secret": "${secret:aws_creds_secret_key}",
    }
    tracker = stack.components["experiment_tracker"]
    assert tracker.config == {"tracking_uri": "http://mlflow:5000"}
    assert stack.secrets == ("aws_creds_access_key", "aws_creds_secret_key", "mlflow_password")
    assert any("tracking_password" in w for w in stack.warnings)
    assert (
        "renamed 's3 stack' to 's3_stack' (stackctl names are letters, digits, _, -)"
        in stack.warnings
    )


def test_list_form_and_name_cleanup() -> None:
    stack = parse_export(load("list_form.yaml"), "list_form.yaml")
    assert stack.components["orchestrator"].name == "local_orch"
    assert stack.components["artifact_store"].name == "_1store"
    assert stack.components["artifact_store"].config == {
        "path": "/home/me/.config/zenml/local_stores/9a1c3c2e"
    }
    assert stack.renamed == {"local orch": "local_orch", "1store": "_1store"}


def test_recipe_form_with_inline_settings() -> None:
    stack = parse_export(load("recipe_form.yaml"), "recipe_form.yaml")
    store = stack.components["artifact_store"]
    assert (store.flavor, store.zenml_flavor) == ("fsspec", "gcp")
    assert store.config == {"uri": "gs://my-gcs-bucket"}


def test_unknown_flavor_keeps_its_name_for_the_caller_to_judge() -> None:
    stack = parse_export(load("unknown_flavor.yaml"), "unknown_flavor.yaml")
    assert stack.components["orchestrator"].flavor == "kubernetes"


@pytest.mark.parametrize(
    "data",
    [
        {"stack_name": "x"},
        {"stack_name": "x", "components": {"orchestrator": "local"}},
        {"stack_name": "x", "components": {"orchestrator": [{"name": "a"}]}},
        {"stack_name": "x", "components": {"orchestrator": [{}, {}]}},
        {"zenml_version": "1", "components": {}},
    ],
)
def test_bad_shapes_are_config_errors(data: dict) -> None:
    assert is_zenml_export(data)
    with pytest.raises(ConfigError):
        parse_export(data, "f.yaml")


def test_stackctl_files_are_not_zenml_exports() -> None:
    assert not is_zenml_export({"stacks": {}, "components": {}})


@given(st.text(min_size=1, max_size=30))
def test_safe_name_always_gives_a_valid_name(name: str) -> None:
    assert NAME.match(safe_name(name))


@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,20}", fullmatch=True))
def test_safe_name_keeps_valid_names(name: str) -> None:
    assert safe_name(name) == name


def test_secret_references_inside_text_and_nested() -> None:
    found: list[str] = []
    value = {"a": ["x{{s.k}}y", {"b": "{{ other.key-2 }}"}], "c": 3}
    assert translate_secrets(value, found) == {
        "a": ["x${secret:s_k}y", {"b": "${secret:other_key_2}"}],
        "c": 3,
    }
    assert found == ["s_k", "other_key_2"]
