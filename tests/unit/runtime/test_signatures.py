"""The static check of step functions: certain problems found, unsure cases silent, no
user code ever imported."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackctl.runtime.signatures import Finding, check_step, module_info

SOURCE = """
import functools
from helpers import reexported
from stackctl import step

open(__file__ + ".imported", "w").write("validate imported user code")


def load(path: str = "x.csv") -> list[int]:
    return [1]


@step
def train(data: list[int], epochs: int = 3, *, lr: float = 0.1, seed: int) -> int:
    return 1


@step(retries=2)
def spread(*args: int, **kwargs: int) -> int:
    return 1


def positional(*args: int, n: int = 1) -> int:
    return n


def wrapped(func):
    @functools.wraps(func)
    def inner(*a, **k):
        return func(*a, **k)
    return inner


@wrapped
def report(model: int) -> str:
    return ""


class Trainer:
    def __call__(self, x: int) -> int:
        return x


fitted = Trainer()

try:
    import fast
    def maybe(x: int) -> int:
        return x
except ImportError:
    def maybe(y: int) -> int:
        return y

if sys.version_info >= (3, 12):
    def later(a: int) -> int:
        return a
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    package = tmp_path / "pipes"
    package.mkdir()
    # A package whose import fails and has a side effect: checking never runs it.
    (package / "__init__.py").write_text(
        'open(__file__ + ".imported", "w").write("x")\nraise RuntimeError("imported")\n'
    )
    (package / "steps.py").write_text(SOURCE)
    return tmp_path


def check(root: Path, function: str, inputs=(), params=()) -> list[Finding]:
    return check_step(function, inputs, params, root)


def test_a_correct_step_has_no_finding(project):
    assert check(project, "pipes.steps:train", ["data"], ["epochs", "lr", "seed"]) == []
    assert check(project, "pipes.steps:load") == []


def test_never_imports_user_code(project):
    check(project, "pipes.steps:train", ["data"], ["seed"])
    check(project, "pipes.nope:train")
    assert not list(project.rglob("*.imported"))
    assert "pipes" not in sys.modules and "pipes.steps" not in sys.modules


def test_a_misspelled_function_gets_a_did_you_mean(project):
    [finding] = check(project, "pipes.steps:lod")
    assert finding.where == ("function",)
    assert finding.message == "module 'pipes.steps' has no function 'lod'"
    assert finding.hint == "did you mean 'load'?"


def test_misspelled_inputs_and_params_point_at_their_keys(project):
    findings = check(project, "pipes.steps:train", ["dta"], ["epocs", "seed"])
    assert [f.where for f in findings] == [("inputs", "dta"), ("params", "epocs"), ("function",)]
    assert findings[0].hint.startswith("did you mean 'data'?")
    assert findings[1].message == "param 'epocs' is not an argument of pipes.steps:train"
    assert findings[1].hint == "did you mean 'epochs'? (arguments: data, epochs, lr, seed)"
    assert "argument 'data' of pipes.steps:train has no input" in findings[2].message


def test_required_keyword_only_argument_must_be_supplied(project):
    [finding] = check(project, "pipes.steps:train", ["data"])
    assert "argument 'seed'" in finding.message


def test_a_missing_module_names_its_closest_sibling(project):
    [finding] = check(project, "pipes.step:load")
    assert "package 'pipes' has no module 'step'" in finding.message
    assert finding.hint == "did you mean 'pipes.steps'?"
    [top] = check(project, "piped.steps:load")
    assert "module 'piped' is not in the project or installed" in top.message
    assert top.hint == "did you mean 'pipes'?"


@pytest.mark.parametrize(
    ("function", "inputs", "params"),
    [
        ("pipes.steps:spread", ["anything"], ["at_all"]),  # *args, **kwargs
        ("pipes.steps:report", ["not_model"], ["x"]),  # functools.wraps: unsure
        ("pipes.steps:Trainer", ["z"], []),  # a class
        ("pipes.steps:fitted", ["z"], []),  # a callable object
        ("pipes.steps:reexported", ["z"], []),  # `from helpers import reexported`
        ("pipes.steps:maybe", ["z"], []),  # defined in try/except
        ("pipes.steps:later", ["z"], []),  # defined under `if`
        ("pipes.steps:Trainer.__call__", ["q"], []),  # dotted qualname
        ("__main__:anything", [], []),  # a script's own steps
        ("os.path:join", [], []),  # attribute module, not a package: unsure
        ("json:dumps", [], ["obj"]),  # installed, parsed from its source
        ("math:sqrt", [], ["x"]),  # built in, no source
    ],
)
def test_unsure_cases_say_nothing(project, function, inputs, params):
    assert check(project, function, inputs, params) == []


def test_positional_only_excess_and_kwonly_defaults(project):
    [finding] = check(project, "pipes.steps:positional", [], ["m"])
    assert finding.hint == "arguments: n"


def test_installed_module_misses_are_reported_without_importing(project):
    [finding] = check(project, "json:dumpz")
    assert finding.hint == "did you mean 'dump'?"
    [sub] = check(project, "json.decodr:JSONDecoder")
    assert sub.hint == "did you mean 'json.decoder'?"


def test_star_imports_and_module_getattr_make_missing_names_unknowable(tmp_path):
    (tmp_path / "star.py").write_text("from os import *\n")
    (tmp_path / "lazy.py").write_text("def __getattr__(name):\n    return len\n")
    (tmp_path / "dyn.py").write_text("globals()['made'] = len\n")
    for module in ("star", "lazy", "dyn"):
        assert check(tmp_path, f"{module}:anything") == []


def test_a_syntax_error_is_reported_with_its_position(tmp_path):
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    [finding] = check(tmp_path, "broken:f")
    assert finding.message.startswith("module 'broken' cannot be imported: broken.py:1:")


def test_a_redefined_function_is_not_checked(tmp_path):
    (tmp_path / "twice.py").write_text("def f(a): ...\ndef f(b): ...\n")
    assert check(tmp_path, "twice:f", ["b"]) == []


# -- never crashes -------------------------------------------------------------------------

_names = st.sampled_from(["f", "g", "x", "data", "step", "kwargs", "_h", "self"])
_arg = st.builds(
    lambda n, default, kind: (
        {"plain": n, "default": f"{n}=1", "star": f"*{n}", "kw": f"**{n}"}[kind]
        if not default
        else f"{n}=1"
    ),
    _names,
    st.booleans(),
    st.sampled_from(["plain", "default", "star", "kw"]),
)
_decorator = st.sampled_from(["", "@step\n", "@step(retries=1)\n", "@wraps(x)\n", "@a.b\n"])


@st.composite
def _statement(draw: st.DrawFn) -> str:
    name = draw(_names)
    args = ", ".join(draw(st.lists(_arg, max_size=4)))
    return draw(
        st.sampled_from(
            [
                f"{draw(_decorator)}def {name}({args}):\n    pass\n",
                f"class {name}:\n    pass\n",
                f"from m import {name}\n",
                "from m import *\n",
                f"{name} = 1\n",
                f"if x:\n    def {name}({args}): pass\n",
                f"try:\n    import {name}\nexcept ImportError:\n    {name} = None\n",
                f"async def {name}({args}): pass\n",
                "def __getattr__(n): pass\n",
            ]
        )
    )


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(st.lists(_statement(), max_size=6).map("".join), _text),
    function=st.one_of(_names, _text),
    inputs=st.lists(st.one_of(_names, _text), max_size=3),
    params=st.lists(st.one_of(_names, _text), max_size=3),
)
def test_the_checker_never_crashes(tmp_path, body, function, inputs, params):
    (tmp_path / "gen.py").write_text(body, encoding="utf-8", errors="surrogatepass")
    module_info(body)
    for ref in (f"gen:{function}", f"gen.sub:{function}", function, f"{function}:f"):
        findings = check(tmp_path, ref, inputs, params)
        assert all(isinstance(f, Finding) and f.message for f in findings)


def test_the_example_source_parses():
    info = module_info(textwrap.dedent(SOURCE))
    assert info.names["train"] is not None and info.names["report"] is None


def test_an_installed_package_is_found_without_running_its_init(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "vendorpkg").mkdir(parents=True)
    (site / "vendorpkg" / "__init__.py").write_text(
        'open(__file__ + ".imported", "w").write("x")\nraise RuntimeError("imported")\n'
    )
    (site / "vendorpkg" / "tools.py").write_text("def fit(x: int) -> int:\n    return x\n")
    monkeypatch.syspath_prepend(str(site))
    project = tmp_path / "project"
    project.mkdir()
    assert check(project, "vendorpkg.tools:fit", ["x"]) == []
    [finding] = check(project, "vendorpkg.tools:fitt", ["x"])
    assert finding.hint == "did you mean 'fit'?"
    [sub] = check(project, "vendorpkg.tool:fit")
    assert sub.hint == "did you mean 'vendorpkg.tools'?"
    assert not list(site.rglob("*.imported"))
    assert "vendorpkg" not in sys.modules
