"""Read the YAML that `zenml stack export` writes, so ZenML users can move stacks over.

Three shapes exist in the wild, all accepted::

    stack_name: s3_stack            # ZenML >= 0.20: one mapping per component type
    zenml_version: 0.58.2
    components:
      artifact_store: {name: s3, type: artifact_store, flavor: s3,
                       configuration: {path: "s3://bucket", key: "{{aws.key}}"}}
    # list form: components: {artifact_store: [{name: ..., flavor: ..., configuration: ...}]}
    # recipe form (mlstacks/Terraform): settings inline, no `configuration:` key

Translation rules (documented in docs/cli.md, "stack import"):

* a ZenML secret reference ``{{name.key}}`` becomes ``${secret:name_key}``;
* names that stackctl does not allow (``^[A-Za-z_][A-Za-z0-9_-]*$``) have every other
  character replaced by ``_`` (and get a leading ``_`` when they start with a digit);
* flavors with a known counterpart are translated with their settings (``s3`` ``path`` ->
  ``uri``, ``gcp``/``azure`` -> ``fsspec``); settings stackctl has no use for are dropped
  with a warning; any other flavor keeps its name and is checked by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any

from stackctl.errors import ConfigError, Diagnostic, Location
from stackctl.frozen import frozen

ZENML_SECRET = re.compile(r"\{\{\s*([^{}\s]+?)\s*\}\}")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*\Z")
_META_KEYS = frozenset({"name", "type", "flavor", "configuration", "id", "labels"})


@frozen
class ImportedComponent:
    type: str
    name: str
    flavor: str
    config: Mapping[str, Any]
    zenml_flavor: str


@frozen
class ImportedStack:
    """A ZenML stack translated to stackctl names and settings."""

    name: str
    zenml_version: str
    components: Mapping[str, ImportedComponent]  # component type -> component
    warnings: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()  # stackctl secret names the stack needs
    renamed: Mapping[str, str] = field(default_factory=dict)  # ZenML name -> stackctl name


def is_zenml_export(data: Any) -> bool:
    return isinstance(data, Mapping) and ("stack_name" in data or "zenml_version" in data)


def safe_name(name: str) -> str:
    """A stackctl name for a ZenML name (`my stack.v2` -> `my_stack_v2`)."""
    text = re.sub(r"[^A-Za-z0-9_-]", "_", str(name).strip()) or "_"
    return text if NAME.match(text) else "_" + text


def secret_name(reference: str) -> str:
    """`aws_creds.secret_key` -> `aws_creds_secret_key`."""
    return re.sub(r"[^A-Za-z0-9_]", "_", reference)


def translate_secrets(value: Any, found: list[str]) -> Any:
    """``{{name.key}}`` -> ``${secret:name_key}`` throughout a (nested) value."""
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            found.append(secret_name(match.group(1)))
            return "${secret:" + found[-1] + "}"

        return ZENML_SECRET.sub(sub, value)
    if isinstance(value, Mapping):
        return {k: translate_secrets(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [translate_secrets(v, found) for v in value]
    return value


def parse_export(data: Mapping[str, Any], display: str) -> ImportedStack:
    """Translate a parsed `zenml stack export` document (ConfigError on a bad shape)."""
    raw_name = data.get("stack_name")
    components = data.get("components")
    if not isinstance(raw_name, str) or not raw_name or not isinstance(components, Mapping):
        raise _bad(display, "a ZenML export needs `stack_name:` and a `components:` mapping")
    warnings: list[str] = []
    secrets: list[str] = []
    renamed: dict[str, str] = {}
    out: dict[str, ImportedComponent] = {}
    for type_, entry in components.items():
        items = entry if isinstance(entry, list) else [entry]
        if len(items) != 1 or not isinstance(items[0], Mapping):
            raise _bad(display, f"components.{type_}: expected one component mapping")
        item = items[0]
        if not isinstance(item.get("flavor"), str) or not item.get("name"):
            raise _bad(display, f"components.{type_}: needs `name:` and `flavor:`")
        name = safe_name(item["name"])
        if name != item["name"]:
            renamed[str(item["name"])] = name
        config = item.get("configuration")
        if config is None:  # recipe form: settings inline next to name/flavor
            config = {k: v for k, v in item.items() if k not in _META_KEYS}
        if not isinstance(config, Mapping):
            raise _bad(display, f"components.{type_}.configuration: expected a mapping")
        config = translate_secrets(dict(config), secrets)
        flavor, config, dropped = _translate(str(type_), item["flavor"], config)
        if dropped:
            warnings.append(
                f"{type_} {name!r}: dropped ZenML settings stackctl's {flavor} flavor "
                f"does not use: {', '.join(sorted(dropped))}"
            )
        out[str(type_)] = ImportedComponent(str(type_), name, flavor, config, item["flavor"])
    stack = safe_name(raw_name)
    if stack != raw_name:
        renamed[raw_name] = stack
    for old, new in renamed.items():
        warnings.append(f"renamed {old!r} to {new!r} (stackctl names are letters, digits, _, -)")
    return ImportedStack(
        stack,
        str(data.get("zenml_version", "")),
        out,
        tuple(warnings),
        tuple(dict.fromkeys(secrets)),
        renamed,
    )


Translator = Callable[[Mapping[str, Any]], dict[str, Any]]


def _s3(config: Mapping[str, Any]) -> dict[str, Any]:
    client = config.get("client_kwargs") or {}
    return {
        "uri": config.get("path"),
        "endpoint_url": client.get("endpoint_url"),
        "region": client.get("region_name"),
        "key": config.get("key"),
        "secret": config.get("secret"),
    }


def _uri(config: Mapping[str, Any]) -> dict[str, Any]:
    return {"uri": config.get("path")}


#: (type, ZenML flavor) -> (stackctl flavor, settings translation, ZenML keys it reads)
_FLAVORS: dict[tuple[str, str], tuple[str, Translator, frozenset[str]]] = {
    ("orchestrator", "local"): ("local", lambda c: {}, frozenset()),
    ("artifact_store", "local"): (
        "local",
        lambda c: {"path": c.get("path") or None},
        frozenset({"path"}),
    ),
    ("artifact_store", "s3"): ("s3", _s3, frozenset({"path", "client_kwargs", "key", "secret"})),
    ("artifact_store", "gcp"): ("fsspec", _uri, frozenset({"path"})),
    ("artifact_store", "azure"): ("fsspec", _uri, frozenset({"path"})),
    ("experiment_tracker", "mlflow"): (
        "mlflow",
        lambda c: {"tracking_uri": c.get("tracking_uri")},
        frozenset({"tracking_uri"}),
    ),
}


def _translate(
    type_: str, flavor: str, config: Mapping[str, Any]
) -> tuple[str, dict[str, Any], list[str]]:
    known = _FLAVORS.get((type_, flavor))
    if known is None:
        return flavor, {k: v for k, v in config.items() if v is not None}, []
    name, translate, reads = known
    dropped = [k for k, v in config.items() if k not in reads and v not in (None, {}, [], "")]
    if type_ == "artifact_store" and flavor == "s3":
        client = config.get("client_kwargs") or {}
        dropped += [
            f"client_kwargs.{k}" for k in client if k not in ("endpoint_url", "region_name")
        ]
    settings = {k: v for k, v in translate(config).items() if v is not None}
    return name, settings, dropped


def _bad(display: str, message: str) -> ConfigError:
    return ConfigError(
        [
            Diagnostic(
                Location(display, 1, 1),
                message,
                "",
                "pass the file `zenml stack export STACK FILE` wrote, unchanged",
            )
        ]
    )
