"""Interpolation with OmegaConf: ``${vars.x}``, ``${params.x}``, ``${oc.env:NAME}``.

``${secret:NAME}`` is escaped before OmegaConf sees it, so it survives as literal text
and is resolved only at apply/run time (stackctl never writes secret values anywhere).
Each string leaf is resolved on its own so that every bad reference is reported with
its own location, not just the first one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackctl.config.yaml import PathKey
from stackctl.model import SECRET_REF


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


def resolve(value: Any, scope: Mapping[str, Any]) -> tuple[Any, list[tuple[PathKey, str, str]]]:
    """Resolve interpolations in ``value`` against ``scope`` (e.g. {"vars":..., "params":...}).

    Returns the resolved plain value and a list of (key path, message, hint) problems.
    """
    if not any(True for _ in _string_paths(value)):
        return value, []
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    root = OmegaConf.create({**_escape_secrets(dict(scope)), "__value__": _escape_secrets(value)})
    problems: list[tuple[PathKey, str, str]] = []
    for path in _string_paths(value):
        node: Any = root["__value__"]
        try:
            for key in path[:-1]:
                node = node[key]
            if path:
                node[path[-1]]  # resolves the interpolation of this one leaf
        except OmegaConfBaseException as exc:
            problems.append((path, *_explain(exc, value, path, scope)))
    if problems:
        return value, problems
    try:
        resolved = OmegaConf.to_container(root, resolve=True)["__value__"]  # type: ignore[index,call-overload]
    except OmegaConfBaseException as exc:  # e.g. an interpolation inside a referenced var
        return value, [((), *_explain(exc, value, (), scope))]
    return resolved, []


def _explain(
    exc: Exception, value: Any, path: PathKey, scope: Mapping[str, Any]
) -> tuple[str, str]:
    text = str(exc).splitlines()[0]
    raw = value
    for key in path:
        raw = raw[key]
    if "Interpolation key" in text and "not found" in text:
        key = text.split("'")[1] if "'" in text else text
        section = key.partition(".")[0]
        known = sorted(scope.get(section, {})) if isinstance(scope.get(section), Mapping) else []
        if section in scope:
            hint = f"declare it under `{section}:`" + (
                f" (known: {', '.join(known)})" if known else ""
            )
        else:
            hint = f"use one of {', '.join('${' + s + '.NAME}' for s in scope)}, ${{oc.env:NAME}} or ${{secret:NAME}}"
        return f"unknown interpolation variable {key!r} in {raw!r}", hint
    if "Environment variable" in text:
        return f"{text} (in {raw!r})", "export it, or give a default: ${oc.env:NAME,default}"
    if "Unsupported interpolation type" in text or "resolver" in text.lower():
        return f"{text} (in {raw!r})", "known resolvers: oc.env, secret"
    return f"cannot resolve {raw!r}: {text}", "check the ${...} syntax"
