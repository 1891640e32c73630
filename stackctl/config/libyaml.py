"""The fast read path: libyaml events -> plain data and a position index, in one pass.

ruamel's round-trip parser is pure Python (about 200 KB/s); libyaml (PyYAML's C
parser) is some 30x faster. We only take libyaml's *events* and build everything else
here, iteratively (no recursion, so no depth can exhaust the stack), so that the result
is exactly what ``to_plain`` of ruamel's YAML 1.2 tree would be.

Anything this path is not sure to read the same way as ruamel raises ``Fallback`` and
``yaml.py`` re-reads the file with ruamel, which also produces every error message
(syntax errors, duplicate keys, bad tagged values, alias bombs, deep nesting): the
messages users see come from one place. Falling back is about: explicit tags (except
``!!str``), timestamps, merge keys, non-decimal ints and unusual floats, `%YAML`
directives, complex keys, duplicate keys, block scalars, tabs, NEL/LS/PS line breaks,
anchor names libyaml reads shorter than ruamel, `...` and anything libyaml rejects
(found by the differential tests in tests/unit/config/test_config_libyaml.py).
"""

from __future__ import annotations

import re
from typing import Any

#: (line, col, entries), 0-based like ruamel's ``lc``. ``entries`` is, for a mapping,
#: {raw key: (key line, key col, value line, value col, child Pos | None)}; for a
#: sequence, [(line, col, child Pos | None)]; None for a scalar.
Pos = tuple[int, int, Any]

#: The position of an empty plain scalar (`key:` with no value): ruamel puts it at the
#: next token, libyaml right after the `:`. Locating one asks ruamel (yaml.Document).
UNKNOWN: Pos = (-1, -1, None)
_STR = "tag:yaml.org,2002:str"
# First characters of plain scalars that YAML 1.2 (ruamel's resolver) may read as
# something other than a string; every other plain scalar is a string.
_SPECIAL = frozenset("-+0123456789.tTfF~nN<=")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$")
_DECIMAL = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_SIMPLE_FLOAT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$")
# merge `<<`, value `=`, timestamps: left to ruamel.
_OTHER = re.compile(r"^(?:<<|=|[0-9][0-9][0-9][0-9]-.*)$")


# Characters the two parsers treat differently: ruamel refuses tabs in places libyaml
# accepts them, and libyaml (YAML 1.1) breaks lines at NEL, LS and PS.
_RUAMEL_ONLY = ("\t", "\x85", "\u2028", "\u2029")
# Anchor and alias names: libyaml stops at the first character that is not a letter,
# digit, `_` or `-`; ruamel (YAML 1.2) reads on up to a space or flow indicator, so
# `&a:` is another document for each of them.
_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*]([^\s,\[\]{}]*)", re.M)
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_BLOCK = ("|", ">")


class Fallback(Exception):
    """This document needs the ruamel path (not an error in itself)."""


def _plain(text: str) -> Any:
    """A plain (unquoted, untagged) scalar as ruamel's YAML 1.2 resolver reads it."""
    if text[:1] not in _SPECIAL and text:
        return text
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text[0] in "tT"
    if _INT.match(text):
        if _DECIMAL.match(text):
            return int(text)
        raise Fallback
    if _FLOAT.match(text):
        if _SIMPLE_FLOAT.match(text):
            return float(text)
        raise Fallback
    if _OTHER.match(text):
        raise Fallback
    return text


def _key(raw: Any) -> str:
    # Same strings as yaml.to_plain gives ruamel's constructed keys.
    if isinstance(raw, str):
        return raw
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def compose(text: str, max_depth: int, max_nodes: int) -> tuple[Any, Pos, bool]:
    """(plain data, position index, whether the document uses aliases).

    Raises Fallback when the ruamel path must read this document instead.
    """
    try:
        return _compose(text, max_depth, max_nodes)
    except Fallback:
        raise
    except Exception:  # libyaml's errors, undefined aliases...: ruamel words them
        raise Fallback from None


def _compose(text: str, max_depth: int, max_nodes: int) -> tuple[Any, Pos, bool]:
    if any(c in text for c in _RUAMEL_ONLY) or text.startswith("...") or "\n..." in text:
        raise Fallback  # `...` (document end) and what follows it: ruamel words it
    if ("&" in text or "*" in text) and any(
        not _NAME.match(name) for name in _ANCHOR.findall(text)
    ):
        raise Fallback
    from yaml import CSafeLoader
    from yaml.events import (
        AliasEvent,
        DocumentEndEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )

    loader = CSafeLoader(text)
    try:
        get = loader.get_event
        get()  # StreamStartEvent
        event = get()
        if type(event) is not DocumentStartEvent or event.version or event.tags:
            raise Fallback
        # A frame per open container: [data, entries, is_mapping, pending key, anchor, pos]
        stack: list[list[Any]] = []
        anchors: dict[str, tuple[Any, Pos]] = {}
        nodes = 0
        aliased = False
        root: tuple[Any, Pos] | None = None
        while root is None:
            event = get()
            kind = type(event)
            if kind is ScalarEvent:
                if event.style in _BLOCK:
                    raise Fallback  # ruamel is stricter about block scalar headers
                tag = event.tag
                if tag is None:
                    value = _plain(event.value) if event.implicit[0] else event.value
                elif tag == _STR:
                    value = event.value
                else:
                    raise Fallback
                mark = event.start_mark
                done: tuple[Any, Pos] = (value, (mark.line, mark.column, None))
                if not event.value and event.implicit[0]:
                    done = (value, UNKNOWN)  # libyaml and ruamel place `key:` apart
                if event.anchor is not None:
                    anchors[event.anchor] = done
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.tag is not None or len(stack) >= max_depth:
                    raise Fallback
                mark = event.start_mark
                mapping = kind is MappingStartEvent
                data: Any = {} if mapping else []
                entries: Any = {} if mapping else []
                stack.append(
                    [data, entries, mapping, None, event.anchor, (mark.line, mark.column, entries)]
                )
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                done = (frame[0], frame[5])
                if frame[4] is not None:
                    anchors[frame[4]] = done
            elif kind is AliasEvent:
                done = anchors[event.anchor]
                aliased = True
            else:
                raise Fallback
            if not stack:
                root = done
                break
            parent = stack[-1]
            value, pos = done
            if parent[2]:
                pending = parent[3]
                if pending is None:  # this node is a key
                    if pos[2] is not None or value in parent[1]:
                        raise Fallback  # complex or duplicate key: ruamel reports it
                    parent[3] = (value, pos[0], pos[1])
                    continue
                raw, line, col = pending
                parent[0][_key(raw)] = value
                parent[1][raw] = (line, col, pos[0], pos[1], pos[2])
                parent[3] = None
            else:
                parent[0].append(value)
                parent[1].append(pos)
            nodes += 1
            if nodes >= max_nodes:
                raise Fallback
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise Fallback  # e.g. a second document: ruamel words the error
    finally:
        loader.dispose()
    data, pos = root
    if pos[2] is None:
        pos = (0, 0, None)  # ruamel keeps no position for a scalar document
    return data, pos, aliased


def position(index: Pos, key_path: tuple[str | int, ...], value: bool) -> tuple[int, int]:
    """The (line, col) ruamel's ``lc`` gives for ``key_path`` (see yaml._position)."""
    best = (index[0], index[1])
    entries = index[2]
    last = len(key_path) - 1
    for i, key in enumerate(key_path):
        if isinstance(entries, list) and isinstance(key, int):
            if not 0 <= key < len(entries):
                break
            line, col, entries = entries[key]
            best = (line, col)
        elif isinstance(entries, dict) and key in entries:
            kl, kc, vl, vc, entries = entries[key]
            best = (vl, vc) if value and i == last else (kl, kc)
        else:
            break
    return best
