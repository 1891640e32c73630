"""ruamel's round-trip reader, and every error it raises worded as one located line.

The libyaml fast path (``config/libyaml.py``) falls back here for the documents it
cannot read exactly as ruamel does and for every error, so each message has one source;
``fmt`` reads here too (it keeps quoting and comments).
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from stackctl.config.yaml_limits import MAX_DEPTH, MAX_KEY, deep, fail


def line_col(text: bytes | str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    newline = b"\n" if isinstance(before, bytes) else "\n"
    line = before.count(newline) + 1  # type: ignore[arg-type]
    return line, offset - (before.rfind(newline) + 1) + 1  # type: ignore[arg-type]


def parse_roundtrip(text: str, display: str, preserve_quotes: bool = False) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import MaxDepthExceededError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    from stackctl.config.duplicates import BadTag, BadValue, DuplicateKey, StrictConstructor

    yaml = YAML(typ="rt")
    yaml.Constructor = StrictConstructor
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = preserve_quotes
    yaml.max_depth = MAX_DEPTH + 1  # ruamel counts the scalar leaves as a level too
    try:
        with warnings.catch_warnings():
            # e.g. ReusedAnchorWarning: legal YAML (the later anchor wins), and a warning
            # would print a multi-line message in the middle of the CLI's output.
            warnings.simplefilter("ignore")
            return yaml.load(io.StringIO(text))
    except DuplicateKey as exc:
        raise fail(
            display,
            f"duplicate key {exc.key!r} (first defined at line {exc.first_line})",
            "a key may appear once in a mapping; remove or rename one of them",
            exc.line,
            exc.column,
        ) from None
    except BadValue as exc:
        raise fail(
            display,
            f"cannot read the value {exc.text[:60]!r}: {' '.join(exc.reason.split())[:120]}",
            "quote it to keep it as text, or fix its !!tag",
            exc.line,
            exc.column,
        ) from None
    except BadTag as exc:
        shown = exc.tag.replace("tag:yaml.org,2002:", "!!")
        raise fail(
            display,
            f"unsupported YAML tag {shown[:80]!r}",
            "remove the tag; stackctl reads only the standard ones (!!str, !!int, !!float,"
            " !!bool, !!null, !!map, !!seq...)",
            exc.line,
            exc.column,
        ) from None
    except MaxDepthExceededError as exc:
        line, col = _mark(exc)
        raise fail(display, deep(), "flatten the structure", line, col) from None
    except MarkedYAMLError as exc:
        line, col = _mark(exc)
        problem = " ".join(str(exc.problem or "invalid YAML").split())
        tabs = "'\\t'" in problem
        context = " ".join(str(exc.context or "").split())
        hint = (
            "YAML forbids tabs for indentation; use spaces"
            if tabs
            else _yaml_hint(f"{context} {problem}")
        )
        opened = exc.context_mark.line + 1 if exc.context_mark is not None else 0
        if problem.startswith("but ") and context:
            message = f"YAML syntax: {context}, {problem}"
        elif context.startswith("while parsing a flow") and opened and opened != line:
            what = context.removeprefix("while parsing a ")
            message = f"YAML syntax: {problem} (in the {what} that starts at line {opened})"
            bracket = "{" if "mapping" in what else "["
            hint = f"close the `{bracket}` opened at line {opened}, or quote the value here"
        else:
            message = f"YAML syntax: {problem}" + (f" ({context})" if context and not tabs else "")
        key = _long_key(text, line, col) if "mapping values" in problem else 0
        if key:
            message = f"key is {key:,} characters long; YAML allows at most {MAX_KEY:,}"
            hint = "shorten the key (stackctl names are at most 63 characters)"
        raise fail(display, message, hint, line, col) from None
    except ReaderError as exc:
        line, col = line_col(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else 0
        raise fail(
            display,
            f"YAML forbids the control character U+{code:04X}",
            "remove it, or write it as an escape inside a double-quoted string",
            line,
            col,
        ) from None
    except RecursionError:
        raise fail(display, deep(), "flatten the structure") from None
    except YAMLError as exc:
        message = " ".join(str(exc).split())
        raise fail(display, f"YAML syntax: {message}", _yaml_hint(message)) from None
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError) as exc:
        # A last resort: ruamel failed in a way it does not translate itself.
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise fail(display, f"YAML cannot be read: {reason}", _yaml_hint("")) from None


def _long_key(text: str, line: int, col: int) -> int:
    """The length of the plain key before ``line:col`` if it is over YAML's limit."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return 0
    key = lines[line - 1][: col - 1].strip().lstrip("-?{[, ").strip()
    return len(key) if len(key) > MAX_KEY else 0


def _mark(exc: Any) -> tuple[int, int]:
    mark = exc.problem_mark or exc.context_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _yaml_hint(problem: str) -> str:
    if "single document" in problem:
        return "a stackctl file holds one YAML document; remove the `---` separator"
    if "undefined alias" in problem:
        return "define the anchor `&name` before the alias `*name` that uses it"
    if "mapping values are not allowed" in problem:
        return "quote values that contain ': ', or fix the indentation"
    return "check the indentation and quoting near this position"
