"""How much YAML stackctl reads, and the checks that refuse hostile input before any
recursive walk can hurt, each with a one-line ConfigError that points at a line >= 1
(whole-file problems point at 1:1):

* files over MAX_BYTES, and anything that is not a regular file (a device, FIFO or
  directory: their size says nothing), read with a byte cap (``stackctl/files.py``);
* bytes that are not UTF-8, and characters YAML forbids (NUL, most control codes):
  checked where the text is read (yaml.py, roundtrip.py);
* documents nested deeper than MAX_DEPTH (ruamel's composer stops at the first level
  too deep, so a million `[` cannot exhaust the stack);
* alias bombs ("billion laughs") and recursive aliases: the expanded size and height
  are computed with a memo per shared node, so the check itself stays linear.
"""

from __future__ import annotations

from typing import Any

from stackctl.errors import ConfigError, Diagnostic, Location
from stackctl.files import MAX_FILE_BYTES

# ruamel's round-trip parser reads about 200 KB/s; stack and pipeline files are a few
# KB, so 1 MiB is generous and keeps the worst case within a few seconds.
MAX_BYTES = MAX_FILE_BYTES
MAX_DEPTH = 64
#: Nodes that aliases may add by expansion (a billion-laughs document adds billions).
#: Plain nodes are not counted against it: the byte cap bounds those (~500k at most).
MAX_ALIAS_NODES = 100_000
MAX_NODES = 1_000_000  # a backstop for the libyaml path; 1 MiB cannot hold this many
MAX_KEY = 1024  # YAML's own limit for an implicit (plain) key


def deep() -> str:
    return f"document is nested deeper than {MAX_DEPTH} levels"


def check_shape(data: Any, display: str) -> None:
    """Refuse alias bombs, recursive aliases and deep nesting before any recursive walk.

    An iterative post-order walk with a memo per object id: shared (aliased) nodes count
    with their full expanded size and height but are visited once, so this is linear.
    The bomb check counts what alias expansion adds (expanded minus written nodes), so
    a big plain list is never taken for a bomb.
    """
    sizes: dict[int, tuple[int, int]] = {}  # id -> (expanded nodes, height)
    open_: set[int] = set()
    real = 1  # nodes as written (each shared node once), the root included
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, dict | list) or (not done and id(node) in sizes):
            continue
        children = [
            c
            for c in (node.values() if isinstance(node, dict) else node)
            if isinstance(c, dict | list)
        ]
        if not done:
            if id(node) in open_:
                continue  # already on the stack through another parent; handled there
            open_.add(id(node))
            stack.append((node, True))
            for child in children:
                if id(child) in open_ and id(child) not in sizes:
                    raise fail(
                        display,
                        "an alias refers to a node that contains it (a recursive structure)",
                        "remove the alias, or point it at a node outside this one",
                        *_lc(child),
                    )
                stack.append((child, False))
            continue
        total = 1 + len(node) + sum(sizes[id(c)][0] - 1 for c in children)
        height = 1 + max((sizes[id(c)][1] for c in children), default=0)
        sizes[id(node)] = (total, height)
        real += len(node)
        if total - real > MAX_ALIAS_NODES:  # what aliases add beyond the nodes written
            raise fail(
                display,
                f"aliases expand to more than {MAX_ALIAS_NODES:,} extra nodes",
                "this looks like a YAML alias bomb; remove the nested anchors and aliases",
                *_lc(node),
            )
        if height > MAX_DEPTH:
            raise fail(display, deep(), "flatten the structure", *_lc(node))


def _lc(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return (1, 1)
    return (lc.line + 1, lc.col + 1)


def fail(display: str, message: str, hint: str = "", line: int = 1, col: int = 1) -> ConfigError:
    return ConfigError([Diagnostic(Location(display, line, col), message, "", hint)])
