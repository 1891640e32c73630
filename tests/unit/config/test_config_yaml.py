"""YAML reading: positions, duplicate keys, syntax errors and hostile input (issue 2, point 7)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from stackctl.config.yaml import (
    MAX_BYTES,
    MAX_DEPTH,
    parse_document,
    read_document,
    to_plain,
)
from stackctl.errors import ConfigError

LAUGHS = "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 10)
)


def fail(raw: bytes | str) -> tuple[str, int, int, str]:
    data = raw.encode() if isinstance(raw, str) else raw
    with pytest.raises(ConfigError) as info:
        parse_document(data, Path("f.yaml"), "f.yaml")
    (diag,) = info.value.diagnostics
    assert "\n" not in diag.message
    assert diag.hint
    return diag.location.file, diag.location.line, diag.location.column, diag.message


@pytest.mark.parametrize(
    ("raw", "line", "column", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first defined at line 1)"),
        ("x:\n  a: 1\n  b: 2\n  a: 3\n", 4, 3, "duplicate key 'a' (first defined at line 2)"),
        ("x: {a: 1, a: 2}\n", 1, 11, "duplicate key 'a' (first defined at line 1)"),
        ("a:\n\tb: 1\n", 2, 1, "YAML syntax: found character '\\t' that cannot start any token"),
        ("a: b: c\n", 1, 5, "YAML syntax: mapping values are not allowed here"),
        (
            "a: {b: 1\nc: 2\n",
            2,
            2,
            "YAML syntax: expected ',' or '}', but got ':' (in the flow mapping that starts at line 1)",
        ),
        ("a: *nope\n", 1, 4, "YAML syntax: found undefined alias 'nope'"),
        (
            "a: 1\n---\nb: 2\n",
            2,
            1,
            "YAML syntax: expected a single document in the stream, but found another document",
        ),
        ("", 1, 1, "file is empty"),
        ("# only a comment\n\n", 1, 1, "file is empty"),
        (b"a: ok\nb: caf\xe9\n", 2, 7, "file is not valid UTF-8 (byte 0xe9)"),
        ("a: x\x00y\n", 1, 5, "YAML forbids the control character U+0000"),
        (LAUGHS, 5, 7, "aliases expand to more than 100,000 extra nodes"),
        (
            "a: " + "[" * 100 + "]" * 100,
            1,
            MAX_DEPTH + 4,
            f"document is nested deeper than {MAX_DEPTH} levels",
        ),
    ],
    ids=[
        "duplicate",
        "duplicate-nested",
        "duplicate-flow",
        "tab",
        "syntax",
        "unclosed-flow",
        "undefined-alias",
        "two-documents",
        "empty",
        "comments-only",
        "non-utf8",
        "nul",
        "billion-laughs",
        "deep-flow",
    ],
)
def test_bad_yaml_is_one_located_error(
    raw: str | bytes, line: int, column: int, message: str
) -> None:
    assert fail(raw) == ("f.yaml", line, column, message)


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n"
    _, line, _, message = fail(text)
    assert message == f"document is nested deeper than {MAX_DEPTH} levels"
    assert line >= MAX_DEPTH


def test_aliases_nested_through_anchors_count_their_depth() -> None:
    """Each anchor wraps the previous alias: shallow text, deep data."""
    text = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 100))
    assert fail(text)[3] == f"document is nested deeper than {MAX_DEPTH} levels"


@pytest.mark.timeout(20)
def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        line = b"key_%08d: some value that is long enough to fill the file quickly\n"
        chunk = b"".join(line % i for i in range(10_000))
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as info:
            read_document(big, "big.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (diag,) = info.value.diagnostics
    assert (diag.location.line, diag.location.column) == (1, 1)
    assert diag.message.startswith("file is 5") and f"the limit is {MAX_BYTES:,}" in diag.message
    assert peak < 5 * 1024 * 1024  # the file was never loaded into memory


@pytest.mark.timeout(20)
def test_hostile_inputs_use_bounded_memory() -> None:
    for raw in (LAUGHS, "a: " + "[" * 500_000, "x: " + "{a: " * 100_000):
        tracemalloc.start()
        try:
            with pytest.raises(ConfigError):
                parse_document(raw.encode(), Path("f.yaml"), "f.yaml")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 64 * 1024 * 1024, raw[:20]


def test_positions_are_one_based_and_point_at_keys_or_values() -> None:
    doc = parse_document(b"a:\n  b: {c: 1}\n  d: [x, y]\n", Path("f.yaml"), "f.yaml")
    assert str(doc.locate(("a", "b"))) == "f.yaml:2:3"
    assert str(doc.locate(("a", "b", "c"))) == "f.yaml:2:7"
    assert str(doc.locate_value(("a", "b", "c"))) == "f.yaml:2:10"
    assert str(doc.locate(("a", "d", 1))) == "f.yaml:3:10"
    assert str(doc.locate(("a", "missing", "deeper"))) == "f.yaml:1:1"
    assert doc.error(("a", "b"), "m").pointer == "/a/b"


def test_to_plain_gives_json_like_data() -> None:
    doc = parse_document(
        b"1: a\nnull: b\nwhen: 2024-01-02\nt: !!str x\n? [k, l]\n: v\nf: 1.5\n",
        Path("f.yaml"),
        "f.yaml",
    )
    assert to_plain(doc.data) == {
        "1": "a",
        "null": "b",
        "when": "2024-01-02",
        "t": "x",
        "[k, l]": "v",
        "f": 1.5,
    }


@pytest.mark.parametrize(
    ("raw", "where", "message"),
    [
        ("a: 2024-13-45\n", (1, 4), "cannot read the value '2024-13-45': month must be in 1..12"),
        ("x:\n  - b: !!int q\n", (2, 8), "cannot read the value 'q': invalid literal for int() with base 10: 'q'"),
        ("a: !!bool maybe\n", (1, 4), "cannot read the value 'maybe': not valid for its tag"),
    ],
)  # fmt: skip
def test_values_that_cannot_be_constructed_are_located(
    raw: str, where: tuple[int, int], message: str
) -> None:
    assert fail(raw) == ("f.yaml", *where, message)
