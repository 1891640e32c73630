"""Interpolation (config/resolve.py) and --var parsing (config/variables.py)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stackctl.config.resolve import resolve
from stackctl.config.variables import parse_var
from stackctl.errors import ConfigError

SCOPE = {"vars": {"a": 1, "s": "x", "loop": "${vars.loop}", "bad": "${oops"}, "params": {"p": 2.5}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("${vars.a}", 1),
        ("x${vars.a}y", "x1y"),
        ("${params.p}", 2.5),
        ("${secret:TOKEN}", "${secret:TOKEN}"),
        ("key=${secret:TOKEN};a=${vars.a}", "key=${secret:TOKEN};a=1"),
        ("\\${vars.a}", "${vars.a}"),
        ("${oc.select:vars.missing,3}", 3),
        ("plain", "plain"),
    ],
)
def test_resolves(value: str, expected: Any) -> None:
    assert resolve({"k": [value]}, SCOPE) == ({"k": [expected]}, [])


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("${vars.b}", "unknown interpolation variable 'vars.b' in '${vars.b}'", "declare `b` under `vars:`; known: a, s, loop, bad"),
        ("${vars.aa}", "unknown interpolation variable 'vars.aa' in '${vars.aa}'", "did you mean 'a'?"),
        ("${nope.x}", "unknown interpolation variable 'nope.x' in '${nope.x}'", "use ${vars.NAME}, ${params.NAME}, ${oc.env:NAME} or ${secret:NAME}"),
        ("${vars.loop}", "interpolation '${vars.loop}' refers to itself", "break the loop between the variables"),
        ("${oc.env:STACKCTL_SURELY_UNSET}", "environment variable 'STACKCTL_SURELY_UNSET' is not set (in '${oc.env:STACKCTL_SURELY_UNSET}')", "export STACKCTL_SURELY_UNSET, or give a default: ${oc.env:STACKCTL_SURELY_UNSET,default}"),
        ("${env:HOME}", "unknown resolver 'env' in '${env:HOME}'", "use ${vars.NAME}, ${params.NAME}, ${oc.env:NAME} or ${secret:NAME}"),
    ],
)  # fmt: skip
def test_problems_name_the_key_and_the_fix(value: str, message: str, hint: str) -> None:
    original = {"deep": {"k": value}, "ok": "${vars.a}"}
    resolved, problems = resolve(original, SCOPE)
    assert resolved is original  # untouched when anything is wrong
    assert problems == [(("deep", "k"), message, hint)]


def test_every_bad_leaf_is_reported_on_its_own() -> None:
    _, problems = resolve({"a": "${vars.x}", "b": ["${vars.y}", "${"]}, SCOPE)
    assert [p[0] for p in problems] == [("b", 1), ("a",), ("b", 0)]
    assert problems[0][1].startswith("invalid interpolation '${'")


def test_a_broken_variable_only_hurts_its_users() -> None:
    assert resolve({"k": "${vars.s}"}, SCOPE) == ({"k": "x"}, [])


INTERPOLATIONISH = st.lists(
    st.one_of(
        st.sampled_from(["${", "}", "vars.", "params.", "a", "loop", "bad", "secret:", "oc.env:",
                         "oc.select:", ",", ":", "\\", "$", ".", "[", "]", "'", '"', " "]),
        st.text(max_size=4),
    ),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.recursive(
        INTERPOLATIONISH,
        lambda c: st.one_of(
            st.lists(c, max_size=3), st.dictionaries(st.text(max_size=4), c, max_size=3)
        ),
        max_leaves=8,
    )
)
def test_resolve_never_raises(value: Any) -> None:  # fmt: skip
    resolved, problems = resolve(value, SCOPE)
    for path, message, hint in problems:
        node = value
        for key in path:
            node = node[key]  # every problem names a real leaf
        assert isinstance(node, str) and "${" in node
        assert "\n" not in message and message
    if problems:
        assert resolved is value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n=3", ("n", 3)),
        ("n=3.5", ("n", 3.5)),
        ("flag=true", ("flag", True)),
        ("s=hello world", ("s", "hello world")),
        ("s='3'", ("s", "3")),
        ("s=", ("s", "")),
        ("s=a=b", ("s", "a=b")),
        ("s=[1, 2]", ("s", "[1, 2]")),
        ("s={a: 1}", ("s", "{a: 1}")),
        ("s=&x 1", ("s", "&x 1")),
        ("s=a: b", ("s", "a: b")),
        ("s=2024-01-01", ("s", "2024-01-01")),
        (" s =1", ("s", 1)),
    ],
)
def test_parse_var(text: str, expected: tuple[str, Any]) -> None:
    assert parse_var(text) == expected


@pytest.mark.parametrize("text", ["novalue", "=1", "1x=2", "a b=1", ""])
def test_parse_var_refuses_malformed(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_var(text)
    (diag,) = info.value.diagnostics
    assert diag.location.file == "--var" and diag.hint.startswith("write --var name=value")


def test_parse_var_names_the_flag_it_parses() -> None:
    """`run -p x` must not tell the user to fix a `--var` they never wrote."""
    with pytest.raises(ConfigError) as info:
        parse_var("x", flag="--param")
    (diag,) = info.value.diagnostics
    assert diag.location.file == "--param" and diag.hint.startswith("write --param name=value")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_parse_var_total(text: str) -> None:
    try:
        name, value = parse_var(text)
    except ConfigError as exc:
        assert "\n" not in exc.diagnostics[0].message
        return
    assert text.partition("=")[0].strip() == name
    assert value is None or isinstance(value, bool | int | float | str)


def test_an_escaped_param_stays_literal_through_a_step_reference(tmp_path: Any) -> None:
    """`\\${` in a pipeline param (directly or via a var) is text, also where a step
    refers to the param with `${params.NAME}`: it is not interpolated a second time."""
    from stackctl.components.registry import flavor_schemas, schemas_dir
    from stackctl.config.load import load_project
    from stackctl.runtime.params import step_params

    (tmp_path / "stackctl.yaml").write_text(
        "project: p\ninclude: [pipelines/*.yaml]\nvars: {lit: '\\${y}'}\n"
    )
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "p.yaml").write_text(
        "pipelines:\n"
        "  p:\n"
        "    params: {a: '\\${x}', b: '${vars.lit}'}\n"
        "    steps:\n"
        "      s:\n"
        "        function: m:f\n"
        "        params: {a: '${params.a}', b: 'b=${params.b}'}\n"
    )
    spec = load_project(tmp_path, schemas_dir=schemas_dir(), flavor_schemas=flavor_schemas())
    pipeline = spec.pipelines["p"]
    assert pipeline.params == {"a": "${x}", "b": "${y}"}
    step = pipeline.steps[0]
    assert step_params(step, pipeline.params) == {"a": "${x}", "b": "b=${y}"}
