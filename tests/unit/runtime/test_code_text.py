"""The source text a cache key hashes: the same as ``inspect.getsource`` for every shape
of definition, without the tokenizer."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import textwrap
import types

import pytest

from stackctl.runtime.code_text import source_text

SHAPES = '''
import functools

def plain(x):
    return x + 1

def one_liner(x): return x * 2

@functools.lru_cache(
    maxsize=None,
)
def decorated(x):
    y = [
        x,
        x + 1,
    ]
    return y

def nested_last(x):
    def inner(y):
        return {
            "y": y,
        }
    return inner

def ends_with_call(x):
    print(
        x,
        "spans",
    )

def with_comment(x):
    # a comment inside
    return x  # and after

async def coroutine(x):
    return [i async for i in x]

square = lambda x: x * x

def gen(x):
    yield from (i for i in range(x))

def string_tail(x):
    return f"""{x}
text at column 0
"""

class Plain:
    def method(self):
        return 1

@functools.total_ordering
class Decorated:
    def __lt__(self, other):
        return True

class Outer:
    class Inner:
        value = 1

def factory():
    class Local:
        pass
    return Local

class Twice:
    first = True

if True:
    class Twice:  # inspect finds the first
        first = False
'''


@pytest.fixture
def shapes(tmp_path, monkeypatch):
    name = f"shapes_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(SHAPES)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(name)
    sys.modules.pop(name, None)


@pytest.mark.parametrize(
    "name",
    [
        "plain",
        "one_liner",
        "nested_last",
        "ends_with_call",
        "with_comment",
        "coroutine",
        "square",
        "gen",
        "string_tail",
        "Plain",
        "Decorated",
    ],
)
def test_same_text_as_inspect(shapes, name):
    obj = getattr(shapes, name)
    assert source_text(obj) == inspect.getsource(obj)


def test_decorated_function_and_wrapped_objects(shapes):
    # lru_cache's wrapper has __wrapped__: inspect unwraps it, and so does source_text
    assert source_text(shapes.decorated) == inspect.getsource(shapes.decorated)
    assert source_text(shapes.decorated).startswith("@functools.lru_cache(\n")


def test_nested_local_and_duplicate_classes(shapes):
    assert source_text(shapes.Outer.Inner) == inspect.getsource(shapes.Outer.Inner)
    local = shapes.factory()
    assert source_text(local) == inspect.getsource(local) == "    class Local:\n        pass\n"
    twice = shapes.Twice  # the second definition: both name the first (same qualname)
    assert source_text(twice) == inspect.getsource(twice)
    assert "first = True" in source_text(twice)


def test_a_docstring_only_body_is_its_signature():
    """The one difference from inspect: text no instruction comes from (a docstring
    that is the whole body, comments after the last statement) is left out; none of it
    changes what the function does."""
    namespace: dict[str, object] = {}
    code = 'def stub(x):\n    """Only a docstring."""\n'
    compiled = compile(code, "<stub>", "exec")
    exec(compiled, namespace)  # no file: falls back to inspect, which cannot read it
    with pytest.raises(OSError):
        source_text(namespace["stub"])


def test_docstring_only_function_from_a_file(tmp_path, monkeypatch):
    (tmp_path / "stubmod.py").write_text('def stub(x):\n    """Only a docstring."""\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("stubmod")
    try:
        assert source_text(module.stub) == "def stub(x):\n"
    finally:
        sys.modules.pop("stubmod", None)


def test_an_edited_file_is_read_again(tmp_path, monkeypatch):
    path = tmp_path / "edited.py"
    path.write_text("def f(x):\n    return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("edited")
    try:
        assert source_text(module.f) == "def f(x):\n    return x\n"
        path.write_text("def f(x):\n    return x + 100000\n")  # longer: another size
        importlib.reload(module)
        assert source_text(module.f) == "def f(x):\n    return x + 100000\n"
    finally:
        sys.modules.pop("edited", None)


def test_not_from_a_file_falls_back_to_inspect():
    # a C function (TypeError), a C type whose module is a Python file (OSError)
    for builtin, error in ((len, TypeError), (types.SimpleNamespace, OSError)):
        with pytest.raises(error):
            inspect.getsource(builtin)
        with pytest.raises(error):
            source_text(builtin)


def test_the_tokenizer_is_never_compiled(shapes, tmp_path):
    """What the module exists for: ``tokenize``'s large pattern costs 1.6 ms the first
    time, in every run; hashing a step's code must not pay it."""
    script = textwrap.dedent(
        f"""
        import sys, tokenize
        sys.path.insert(0, {str(tmp_path)!r})
        from stackctl.runtime.code_text import source_text
        module = __import__({shapes.__name__!r})
        for name in ("plain", "decorated", "Plain", "Outer", "factory", "square"):
            source_text(getattr(module, name))
        print(tokenize._compile.cache_info().currsize)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


def test_a_file_is_parsed_once_for_its_classes_and_again_after_an_edit(tmp_path, monkeypatch):
    import ast

    from stackctl.runtime import code_text

    path = tmp_path / "classes.py"
    path.write_text("class A:\n    x = 1\n\n\nclass B:\n    y = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("classes")
    parsed: list[str] = []
    real = ast.parse
    monkeypatch.setattr(ast, "parse", lambda text, *a, **k: parsed.append(text) or real(text))
    try:
        assert source_text(module.A) == "class A:\n    x = 1\n"
        assert source_text(module.B) == "class B:\n    y = 2\n"
        assert len(parsed) == 1
        path.write_text("class A:\n    x = 100000\n\n\nclass B:\n    y = 2\n")
        importlib.reload(module)
        assert source_text(module.A) == "class A:\n    x = 100000\n"
        assert len(parsed) == 2
    finally:
        sys.modules.pop("classes", None)
        code_text._TREES.pop(str(path), None)
