"""Interpolation with OmegaConf: ``${vars.x}``, ``${params.x}``, ``${oc.env:NAME}``.

``${secret:NAME}`` is escaped before OmegaConf sees it, so it survives as literal text
and is resolved only at apply/run time (stackctl never writes secret values anywhere).
Each string leaf is resolved on its own so that every bad reference is reported with
its own location, and a broken variable only hurts the values that use it.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

from stackctl.config.yaml import PathKey
from stackctl.model import SECRET_REF

Problem = tuple[PathKey, str, str]  # (key path inside the value, message, hint)
_RESOLVERS_HINT = "use ${vars.NAME}, ${params.NAME}, ${oc.env:NAME} or ${secret:NAME}"


def _escape_secrets(value: Any) -> Any:
    if isinstance(value, str):
        return SECRET_REF.sub(lambda m: "\\" + m.group(0), value)
    if isinstance(value, dict):
        return {k: _escape_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape_secrets(v) for v in value]
    return value


def _string_paths(value: Any, prefix: PathKey = ()) -> Iterator[PathKey]:
    if isinstance(value, str) and "${" in value:
        yield prefix
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _string_paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _string_paths(v, (*prefix, i))


def _get(value: Any, path: PathKey) -> Any:
    for key in path:
        value = value[key]
    return value


def _set(value: Any, path: PathKey, leaf: Any) -> Any:
    if not path:
        return leaf
    _get(value, path[:-1])[path[-1]] = leaf
    return value


def resolve(value: Any, scope: Mapping[str, Any]) -> tuple[Any, list[Problem]]:
    """Resolve interpolations in ``value`` against ``scope`` (e.g. {"vars": ..., "params": ...}).

    Returns the resolved plain value (the input itself when there were problems) and a
    list of (key path, message, hint) problems.
    """
    paths = list(_string_paths(value))
    if not paths:
        return value, []
    problems: list[Problem] = []
    text = _escape_secrets(value)
    escaped_scope = _escape_secrets(_needed(scope, [_get(value, p) for p in paths]))
    root = _try_root(escaped_scope, text)
    if root is None:  # some ${...} does not parse: find each one, then go on without them
        for path in paths:
            reason = _syntax_error(_get(text, path))
            if reason:
                problems.append(
                    (
                        path,
                        f"invalid interpolation {_short(_get(value, path))}: {reason}",
                        "write it as ${vars.NAME}; a literal ${ is written \\${",
                    )
                )
                text = _set(text, path, "")
        root = _root(escaped_scope, text)
    resolved = copy.deepcopy(value)
    for path in paths:
        if any(p[0] == path for p in problems):
            continue
        try:
            leaf = _resolve_leaf(root, path)
        except Exception as exc:  # OmegaConf and its resolvers raise many types
            problems.append((path, *_explain(exc, _get(value, path), scope)))
            continue
        resolved = _set(resolved, path, leaf)
    return (value, problems) if problems else (resolved, [])


def _needed(scope: Mapping[str, Any], texts: list[str]) -> dict[str, Any]:
    """``scope`` without the entries no interpolation can reach.

    OmegaConf wraps every node it is given (~0.1 ms each), so handing it a 90k-item
    variable for each leaf made validate take 20 s. An entry is kept when its name
    appears in a string that is itself reached (a superset of what is referenced).
    """
    out: dict[str, Any] = {}
    for section, entries in scope.items():
        if not isinstance(entries, Mapping):
            out[section] = entries
            continue
        pending = list(texts)
        kept: dict[str, Any] = {}
        while pending:
            text = pending.pop()
            for name, entry in entries.items():
                if name not in kept and str(name) in text:
                    kept[name] = entry
                    pending.extend(_get(entry, p) for p in _string_paths(entry))
        whole = (f"{section}}}", f"{section}[", f"{section},", f"{section})")
        if any(w in t for t in texts for w in whole):  # the section itself is used
            kept = dict(entries)
        out[section] = kept
    return out


def _try_root(scope: Mapping[str, Any], text: Any) -> Any:
    """The OmegaConf root, or None when some string has bad ${...} syntax (fast path)."""
    from omegaconf import OmegaConf

    try:
        return OmegaConf.create({**scope, "__value__": text})
    except Exception:
        return None


def _root(scope: Mapping[str, Any], text: Any) -> Any:
    """An OmegaConf root holding the scope and the value; broken scope entries are made literal."""
    from omegaconf import OmegaConf

    try:
        return OmegaConf.create({**scope, "__value__": text})
    except Exception:  # a variable with bad ${...} syntax: keep it as literal text
        safe = _literal_if_invalid(dict(scope))
        return OmegaConf.create({**safe, "__value__": text})


def _literal_if_invalid(value: Any) -> Any:
    if isinstance(value, str) and "${" in value and _syntax_error(value):
        return value.replace("${", "\\${")
    if isinstance(value, dict):
        return {k: _literal_if_invalid(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal_if_invalid(v) for v in value]
    return value


def _syntax_error(text: str) -> str:
    from omegaconf import OmegaConf

    try:
        OmegaConf.create({"x": text})
    except Exception as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return ""


def _resolve_leaf(root: Any, path: PathKey) -> Any:
    from omegaconf import Container, OmegaConf

    node = root["__value__"]
    for key in path[:-1]:
        node = node[key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        leaf = node[path[-1]] if path else node
        if isinstance(leaf, Container):
            return OmegaConf.to_container(leaf, resolve=True)
    return leaf


def _explain(exc: Exception, raw: Any, scope: Mapping[str, Any]) -> tuple[str, str]:
    text = (str(exc).splitlines() or [type(exc).__name__])[0]
    if "Interpolation key" in text and "not found" in text:
        key = text.split("'")[1] if text.count("'") >= 2 else text
        section, _, name = key.partition(".")
        known = scope.get(section)
        if isinstance(known, Mapping) and name:
            hint = closest_name(name, known) or (
                f"declare `{name}` under `{section}:`"
                + (f"; known: {', '.join(map(str, known))}" if known else "")
            )
        else:
            hint = _RESOLVERS_HINT
        return f"unknown interpolation variable {key!r} in {_short(raw)}", hint
    if "Environment variable" in text:
        name = text.split("'")[1] if text.count("'") >= 2 else "NAME"
        return (
            f"environment variable {name!r} is not set (in {_short(raw)})",
            f"export {name}, or give a default: ${{oc.env:{name},default}}",
        )
    if "Unsupported interpolation type" in text:
        kind = text.rsplit(" ", 1)[-1]
        return f"unknown resolver {kind!r} in {_short(raw)}", _RESOLVERS_HINT
    if "Recursive interpolation" in text:
        return (
            f"interpolation {_short(raw)} refers to itself",
            "break the loop between the variables",
        )
    return f"cannot resolve {_short(raw)}: {_short(text, 120)}", "check the ${...} expression"


def closest_name(name: str, known: Mapping[str, Any]) -> str:
    """`did you mean 'x'?` among the keys of a scope section (or nothing)."""
    from stackctl.config.schema import closest

    return closest(name, list(known))


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value) if not isinstance(value, str) or limit == 60 else value
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
