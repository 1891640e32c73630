"""Flavor settings from the command line: `--config k=v` and `--max-workers 4`, typed by
the flavor's JSON Schema.

The schema is the one source of truth: it names the options the CLI offers (with their
descriptions as help) and the type each value is parsed as. Full validation still happens
when the edited project is loaded, so errors there point at file:line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from stackctl.errors import StackctlError
from stackctl.frozen import frozen

_NULLS = ("null", "none", "~")
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


@frozen
class Setting:
    """One config key offered as a CLI option for a component type."""

    key: str  # config key, e.g. max_workers
    flag: str  # --max-workers
    help: str
    types: tuple[str, ...]  # JSON Schema types
    flavors: tuple[str, ...]  # flavors that have the key

    @property
    def is_flag(self) -> bool:
        return self.types == ("boolean",)


def settings_for(type_: str, reserved: Iterable[str] = ()) -> list[Setting]:
    """Every config key of every flavor of ``type_``, as CLI options (sorted by key)."""
    from stackctl.components.registry import flavors

    taken = set(reserved)
    found: dict[str, tuple[Mapping[str, Any], list[str]]] = {}
    for (t, name), flavor in sorted(flavors().items()):
        if t != type_:
            continue
        for key, prop in (flavor.schema().get("properties") or {}).items():
            found.setdefault(key, (prop, []))[1].append(name)
    out = []
    for key, (prop, names) in sorted(found.items()):
        flag = "--" + key.replace("_", "-")
        if flag in taken:
            continue  # still settable with --config key=value
        description = str(prop.get("description", "")).strip()
        scope = f"[{', '.join(names)}]"
        out.append(Setting(key, flag, f"{description} {scope}".strip(), _types(prop), tuple(names)))
    return out


def _types(prop: Mapping[str, Any]) -> tuple[str, ...]:
    raw = prop.get("type", ())
    return (raw,) if isinstance(raw, str) else tuple(raw)


def property_schema(type_: str, flavor: str, key: str) -> Mapping[str, Any] | None:
    from stackctl.components.registry import get_flavor

    props = get_flavor(type_, flavor).schema().get("properties") or {}
    found: Mapping[str, Any] | None = props.get(key)
    return found


def parse_value(text: str, types: tuple[str, ...], what: str) -> Any:
    """``text`` as the JSON Schema ``types`` say (YAML scalar rules when untyped)."""
    lowered = text.strip().lower()
    if "null" in types and lowered in _NULLS:
        return None
    for kind in types:
        if kind == "integer":
            try:
                return int(text)
            except ValueError:
                continue
        if kind == "number":
            try:
                return float(text) if any(c in text for c in ".eE") else int(text)
            except ValueError:
                continue
        if kind == "boolean" and lowered in _TRUE + _FALSE:
            return lowered in _TRUE
        if kind in ("object", "array"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict if kind == "object" else list):
                return value
        if kind == "string":
            return text
    if not types:
        from stackctl.config.load import parse_var

        return parse_var(f"value={text}")[1]
    wanted = " or ".join(types)
    example = {"object": ' (as JSON: \'{"k": "v"}\')', "array": " (as JSON: '[1, 2]')"}
    raise StackctlError(
        f"{what}: {text!r} is not {wanted}",
        hint="give a value of that type" + "".join(example.get(t, "") for t in types),
    )


def parse_config(
    type_: str, flavor: str, pairs: Iterable[str], options: Mapping[str, Any]
) -> dict[str, Any]:
    """Merge `--config KEY=VALUE` pairs and flavor options into one config dict.

    ``options`` maps config keys to raw option values (None when not given); a key that
    the flavor does not have is an error naming the keys it does have.
    """
    from stackctl.components.registry import get_flavor

    props: Mapping[str, Any] = get_flavor(type_, flavor).schema().get("properties") or {}
    config: dict[str, Any] = {}
    for key, raw in options.items():
        if raw is None:
            continue
        if key not in props:
            raise StackctlError(
                f"--{key.replace('_', '-')} is not a setting of {type_} flavor {flavor!r}",
                hint=_known(type_, flavor, props),
            )
        config[key] = (
            raw if isinstance(raw, bool) else parse_value(str(raw), _types(props[key]), key)
        )
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise StackctlError(
                f"--config {pair!r} is not KEY=VALUE", hint="e.g. --config path=/data"
            )
        if key not in props and props:
            raise StackctlError(
                f"{key!r} is not a setting of {type_} flavor {flavor!r}",
                hint=_known(type_, flavor, props),
            )
        config[key] = parse_value(raw, _types(props.get(key, {})), key)
    order = {key: index for index, key in enumerate(props)}  # the schema's order reads best
    return dict(sorted(config.items(), key=lambda kv: order.get(kv[0], len(order))))


def _known(type_: str, flavor: str, props: Mapping[str, Any]) -> str:
    if not props:
        return f"the {flavor} {type_} has no settings"
    return f"its settings: {', '.join(props)} (see `stackctl flavor list --type {type_}`)"
