"""`stackctl fmt` formatting: canonical, idempotent, meaning- and comment-preserving."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from stackctl.components.registry import schemas_dir
from stackctl.config.comments import align_comments
from stackctl.config.fmt import format_text
from stackctl.config.yaml import parse_document, to_plain
from stackctl.errors import ConfigError


def fmt(text: str, name: str = "s.yaml") -> str:
    return format_text(text.encode(), Path(name), name, schemas_dir())


def plain(text: str) -> Any:
    return to_plain(parse_document(text.encode(), Path("x.yaml"), "x.yaml").data)


def test_schema_key_order_everywhere() -> None:
    text = (
        "pipelines:\n"
        "  p:\n"
        "    steps:\n"
        "      b: {cache: false, outputs: [x], function: m:b, retries: 1, inputs: {i: a.output}}\n"
        "      a:\n"
        "        cache_version: 2\n"
        "        params: {k: 1}\n"
        "        function: m:a\n"
        "    params: {z: 1, a: 2}\n"
        "    stack: dev\n"
    )
    assert fmt(text) == (
        "pipelines:\n"
        "  p:\n"
        "    stack: dev\n"
        "    params: {z: 1, a: 2}\n"
        "    steps:\n"
        "      b: {function: m:b, inputs: {i: a.output}, outputs: [x], retries: 1, cache: false}\n"
        "      a:\n"
        "        function: m:a\n"
        "        params: {k: 1}\n"
        "        cache_version: 2\n"
    )


def test_project_and_stack_order() -> None:
    assert fmt(
        "vars: {a: 1}\ninclude: [x]\nstate: {path: p, backend: sqlite}\nproject: n\n",
        "stackctl.yaml",
    ) == ("project: n\nstate: {backend: sqlite, path: p}\ninclude: [x]\nvars: {a: 1}\n")
    stack = "stacks:\n  s: {lifecycle: {prevent_destroy: true}, alerter: a, experiment_tracker: e, artifact_store: s, orchestrator: o}\n"
    assert fmt(stack) == (  # over 100 characters as flow: block style
        "stacks:\n  s:\n    orchestrator: o\n    artifact_store: s\n    experiment_tracker: e\n"
        "    alerter: a\n    lifecycle: {prevent_destroy: true}\n"
    )


def test_long_flow_becomes_block_and_null_is_spelled_out() -> None:
    text = "components:\n  orchestrator:\n    d: {flavor: dask, config: {address: , n_workers: 2, threads_per_worker: 1, processes: true, timeout: 10}}\n"
    assert fmt(text) == (
        "components:\n"
        "  orchestrator:\n"
        "    d:\n"
        "      flavor: dask\n"
        "      config: {address: null, n_workers: 2, threads_per_worker: 1, processes: true, timeout: 10}\n"
    )


def test_block_scalar_hash_lines_are_content_not_comments() -> None:
    text = "vars:\n    script: |\n        echo hi\n        # content\n    x: 1\n"
    out = fmt(text, "stackctl.yaml")
    assert plain(out) == plain(text)
    assert fmt(out, "stackctl.yaml") == out


def test_align_comments() -> None:
    assert align_comments("a:\n      # c\n  b: 1\n# end\n") == "a:\n  # c\n  b: 1\n# end\n"


def test_bad_yaml_is_a_located_error() -> None:
    with pytest.raises(ConfigError) as info:
        fmt("a: [1\n")
    assert info.value.diagnostics[0].location.line >= 1


# -- properties ---------------------------------------------------------------------------
NAMES = ["components", "stacks", "pipelines", "orchestrator", "artifact_store", "flavor",
         "config", "lifecycle", "steps", "function", "inputs", "outputs", "params", "retries",
         "cache", "stack", "project", "state", "include", "vars", "x", "a"]  # fmt: skip
# YAML treats NEL and the Unicode line/paragraph separators as line breaks; keys with
# them become multi-line complex keys, where this test's comment injection breaks YAML.
KEY_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=15),
    st.sampled_from(["${vars.x}", "a: b", "# no", "'q'", "- x", "yes", "null", "1e3", ""]),
)
TREES = st.recursive(
    SCALARS,
    lambda c: st.one_of(
        st.lists(c, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(NAMES), st.text(KEY_CHARS, min_size=1, max_size=8)),
            c,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


def dump(tree: Any, flow: bool | None, indent: int) -> str:
    from ruamel.yaml import YAML

    from stackctl.config.fmt import _representer

    yaml = YAML(typ="rt")
    # ruamel itself mangles comments next to *empty* null values (`key:  # c`); inputs
    # spell null out, as fmt's own output does.
    yaml.Representer = _representer()
    yaml.default_flow_style = flow
    yaml.width = 4096
    yaml.indent(mapping=indent, sequence=indent + 2, offset=indent)
    buf = io.StringIO()
    yaml.dump(tree, buf)
    return buf.getvalue()


def with_comments(text: str, picks: list[int]) -> str:
    lines = text.splitlines()
    out = []
    for index, line in enumerate(lines):
        out.append(line)
        if index in picks and line.strip() and not line.rstrip().endswith(("|", ">", "|-", ">-")):
            out[-1] = f"{line}  # c{index}"
            out.append(f"# full {index}")
    return "\n".join(out) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tree=st.dictionaries(st.sampled_from(NAMES), TREES, min_size=1, max_size=4),
    flow=st.sampled_from([None, False, True]),
    indent=st.sampled_from([2, 4]),
    picks=st.lists(st.integers(0, 30), max_size=5),
    name=st.sampled_from(["stackctl.yaml", "s.yaml", "p.yaml"]),
)
def test_fmt_is_idempotent_and_keeps_meaning_and_comments(
    tree: dict[str, Any], flow: bool | None, indent: int, picks: list[int], name: str
) -> None:
    text = with_comments(dump(tree, flow, indent), picks)
    try:
        before = plain(text)
    except ConfigError:
        assume(False)  # e.g. a comment appended inside a multi-line scalar
        return
    try:
        once = fmt(text, name)
    except ConfigError as exc:
        # Refusing (rather than damaging) a file ruamel cannot round-trip is allowed.
        assert exc.message.startswith("cannot format this file"), exc
        assume(False)
        return
    assert plain(once) == before
    assert fmt(once, name) == once
    for index in picks:
        if f"# c{index}" in text:
            assert f"# c{index}" in once and f"# full {index}" in once


def test_formatting_a_project_keeps_the_loaded_model(tmp_path: Path) -> None:
    """load_project before == load_project after, on a deliberately messy project."""
    from stackctl.components.registry import flavor_schemas
    from stackctl.config.fmt import format_files, project_files
    from stackctl.config.load import load_project

    (tmp_path / "stackctl.yaml").write_text(
        "vars: {dir: .stackctl/a, n: 3}\nproject: messy\nstate: {path: s.db, backend: sqlite}\n"
    )
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "s.yaml").write_text(
        "stacks:\n"
        "    dev: {artifact_store: local, orchestrator: par}  # dev\n"
        "components:\n"
        "    artifact_store:\n"
        "        local: {config: {path: '${vars.dir}'}, flavor: local}\n"
        "    orchestrator:\n"
        "        par:\n"
        "            config:\n"
        "                max_workers: ${vars.n}\n"
        "            flavor: local_parallel\n"
    )
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "p.yaml").write_text(
        "pipelines:\n"
        "  p:\n"
        "    steps:\n"
        "      b: {inputs: {x: a.output}, function: m:b}\n"
        "      a:\n"
        "       outputs:\n"
        "        - output\n"
        "        - extra\n"
        "       function: m:a\n"
    )

    def load() -> Any:
        return load_project(tmp_path, schemas_dir=schemas_dir(), flavor_schemas=flavor_schemas())

    before = load()
    results, problems = format_files(project_files(tmp_path), tmp_path, schemas_dir())
    assert not problems
    assert all(r.changed for r in results)
    for result in results:
        result.write()
    assert load() == before
    again, _ = format_files(project_files(tmp_path), tmp_path, schemas_dir())
    assert not any(r.changed for r in again)
