"""Comments in formatted YAML: where they go, and proof that none was lost.

ruamel.yaml keeps comments through a round trip but remembers each one's original
column, which drifts once the lines around it are re-indented; these helpers put them
back where a reader expects them.
"""

from __future__ import annotations

from typing import Any


def comment_texts(text: str) -> list[str]:
    """Every comment's text (sorted), from the YAML scanner (so `#` in strings is not one)."""
    from ruamel.yaml import YAML

    found: list[str] = []
    yaml = YAML(typ="rt")
    try:
        for token in yaml.scan(text):
            for comment in _token_comments(token):
                found.extend(
                    line.strip() for line in comment.splitlines() if line.strip().startswith("#")
                )
    except Exception:  # the text parsed already; a scanner hiccup only skips the check
        return []
    return sorted(found)


def _token_comments(token: Any) -> list[str]:
    comment = getattr(token, "_comment", None) or getattr(token, "comment", None)
    values: list[str] = []
    stack = [comment]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        if isinstance(item, list | tuple):
            stack.extend(item)
        elif hasattr(item, "value"):
            values.append(str(item.value))
    return values


def align_comments(text: str) -> str:
    """Indent each full-line comment like the line it introduces.

    ruamel keeps a comment's original column, so a comment from a 4-space file would
    stay at column 4 after re-indenting to 2 spaces.
    """
    lines = text.splitlines(keepends=True)
    indent = 0
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].lstrip(" ")
        if not stripped.strip():
            continue
        if stripped.startswith("#"):
            lines[index] = " " * indent + stripped
        else:
            indent = len(lines[index]) - len(stripped)
    return "".join(lines)


def tighten_comments(node: Any) -> None:
    """End-of-line comments follow their value after one space.

    ruamel would keep each comment's original column, which drifts once the lines
    around it are re-indented.
    """
    stack = [node]
    while stack:
        current = stack.pop()
        ca = getattr(current, "ca", None)
        for entry in ca.items.values() if ca is not None else ():
            for token in entry if isinstance(entry, list) else [entry]:
                if hasattr(token, "column") and str(token.value).startswith("#"):
                    token.column = 0
        if isinstance(current, dict):
            stack.extend(v for v in current.values() if isinstance(v, dict | list))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, dict | list))
