"""Round-trip edits of stack files: comments and unrelated lines survive byte-for-byte."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.golden import check_golden

from stackctl.config.edit import StackFile, dump, parse
from stackctl.config.yaml import to_plain

DATA = Path(__file__).parents[2] / "data" / "edit"
SOURCE = (DATA / "input.yaml").read_text()

OPERATIONS = {
    "add_component": lambda f: f.add_component(
        "orchestrator", "dask", {"flavor": "dask", "config": {"n_workers": 2}}
    ),
    "add_component_new_type": lambda f: f.add_component(
        "model_registry", "mlflow", {"flavor": "mlflow"}
    ),
    "add_stack": lambda f: f.add_stack(
        "prod", {"orchestrator": "parallel", "artifact_store": "shared"}
    ),
    "update_component": lambda f: f.update_component(
        "artifact_store", "shared", config={"path": "/srv/new"}
    ),
    "update_flow_component": lambda f: f.update_component(
        "orchestrator", "parallel", config={"max_workers": 8}
    ),
    "remove_stack_middle": lambda f: f.remove_stack("nightly"),
    "remove_stack_first": lambda f: f.remove_stack("dev"),
    "remove_stack_last": lambda f: f.remove_stack("last"),
    "remove_component": lambda f: f.remove_component("orchestrator", "parallel"),
    "remove_only_of_type": lambda f: f.remove_component("experiment_tracker", "tracker"),
}


@pytest.mark.parametrize("case", sorted(OPERATIONS))
def test_edit_matches_golden_file(case: str) -> None:
    stack_file = StackFile(SOURCE, "input.yaml")
    OPERATIONS[case](stack_file)
    check_golden(DATA / f"{case}.expected.yaml", stack_file.text)


@pytest.mark.parametrize("case", sorted(OPERATIONS))
def test_edit_changes_only_its_own_lines(case: str) -> None:
    stack_file = StackFile(SOURCE, "input.yaml")
    OPERATIONS[case](stack_file)
    changed = [
        line
        for line in difflib.ndiff(SOURCE.splitlines(), stack_file.text.splitlines())
        if line.startswith(("- ", "+ "))
    ]
    # every golden case touches one entry: at most its block and the comment above it
    assert 0 < len(changed) <= 8, changed
    assert "# Team stacks. Reviewed by the platform team; keep the comments." in stack_file.text


def test_update_keeps_quotes_and_comment_column() -> None:
    stack_file = StackFile(SOURCE, "input.yaml")
    stack_file.update_component("artifact_store", "shared", config={"path": "/srv/new"})
    assert "                path: '/srv/new'         # quoted on purpose\n" in stack_file.text


def test_update_flavor_and_unset() -> None:
    stack_file = StackFile(SOURCE, "input.yaml")
    stack_file.update_component("orchestrator", "parallel", flavor="dask", unset=("max_workers",))
    assert stack_file.get("components", "orchestrator", "parallel") == {"flavor": "dask"}
    assert "        parallel: {flavor: dask}\n" in stack_file.text


def test_removing_everything_empties_the_file() -> None:
    stack_file = StackFile("stacks:\n  a: {orchestrator: x, artifact_store: y}\n")
    stack_file.remove_stack("a")
    assert stack_file.empty


def test_new_file_is_block_style() -> None:
    stack_file = StackFile("")
    stack_file.add_component("artifact_store", "s", {"flavor": "local", "config": {"path": "p"}})
    stack_file.add_stack("a", {"orchestrator": "default", "artifact_store": "s"})
    assert stack_file.text == (
        "components:\n  artifact_store:\n    s:\n      flavor: local\n      config:\n"
        "        path: p\nstacks:\n  a:\n    orchestrator: default\n    artifact_store: s\n"
    )


def test_components_go_above_stacks() -> None:
    stack_file = StackFile("# header\nstacks:\n  a: {orchestrator: x, artifact_store: y}\n")
    stack_file.add_component("orchestrator", "x", {"flavor": "local"})
    assert list(stack_file.data) == ["components", "stacks"]
    assert stack_file.text.startswith("# header\n")


def test_document_start_marker_is_kept() -> None:
    stack_file = StackFile("---\nstacks:\n  a: {orchestrator: x, artifact_store: y}\n")
    stack_file.add_stack("b", {"orchestrator": "x", "artifact_store": "y"})
    assert stack_file.text.startswith("---\n")


def test_crlf_lines_that_did_not_change_keep_their_endings() -> None:
    text = "# c\r\nstacks:\r\n  a: {orchestrator: x, artifact_store: y}\r\n"
    stack_file = StackFile(text)
    stack_file.add_stack("b", {"orchestrator": "x", "artifact_store": "y"})
    assert stack_file.text.startswith(text)


def test_dump_follows_the_indent_of_a_sample() -> None:
    assert dump({"a": {"b": 1}}, like="x:\n    y: 1\n") == "a:\n    b: 1\n"


NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
VALUES = st.one_of(
    st.integers(-5, 10**6), st.booleans(), st.none(), st.text("abc xyz/:${}.-", max_size=12)
)


@settings(max_examples=25, deadline=None)
@given(
    name=NAMES,
    config=st.dictionaries(NAMES, VALUES, max_size=3),
    type_=st.sampled_from(["orchestrator", "artifact_store", "alerter"]),
)
@example(name="_", config={"_": ": a"}, type_="orchestrator")  # was `{_: : a}`
def test_add_then_remove_restores_the_file(name: str, config: dict, type_: str) -> None:
    stack_file = StackFile(SOURCE, "input.yaml")
    if stack_file.has("components", type_, name):
        return
    stack_file.add_component(
        type_, name, {"flavor": "f", "config": config} if config else {"flavor": "f"}
    )
    assert to_plain(parse(stack_file.text, "x"))["components"][type_][name][
        "config" if config else "flavor"
    ] == (config or "f")
    stack_file.remove_component(type_, name)
    assert to_plain(parse(stack_file.text, "x")) == to_plain(parse(SOURCE, "x"))
    if type_ != "alerter":  # a new type mapping may take a blank line with it
        assert stack_file.text == SOURCE


@settings(max_examples=15, deadline=None)
@given(name=NAMES)
def test_add_then_remove_stack_restores_the_file(name: str) -> None:
    stack_file = StackFile(SOURCE, "input.yaml")
    if stack_file.has("stacks", name):
        return
    stack_file.add_stack(name, {"orchestrator": "local", "artifact_store": "shared"})
    stack_file.remove_stack(name)
    assert stack_file.text == SOURCE


TRICKY = [": a", "a, b", "[x]", "{y}", "#z", "&a", "*b", "!t", "|", "> q", "'s", '"d', "%p", "@e"]


@pytest.mark.parametrize("value", TRICKY)
def test_a_string_written_into_a_flow_mapping_reads_back_as_itself(value: str) -> None:
    # `parallel` is written `{...}` in input.yaml: a new key there is in flow style too
    stack_file = StackFile(SOURCE, "input.yaml")
    stack_file.update_component("orchestrator", "parallel", config={"note": value})
    config = to_plain(parse(stack_file.text, "x"))["components"]["orchestrator"]["parallel"]
    assert config["config"]["note"] == value
    stack_file.add_component("orchestrator", "other", {"flavor": "f", "config": {"k": value}})
    added = to_plain(parse(stack_file.text, "x"))["components"]["orchestrator"]["other"]
    assert added["config"] == {"k": value}
