"""What `stackctl output` shows: the provisioner outputs state records, secrets hidden.

Provisioners promise outputs without secrets; this is the second fence anyway, because
an output is often built from config (a bucket URI from ``uri``): a value containing the
resolved value of any secret the resource's config references, or a URL's
user:password, is shown as ``(sensitive)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from stackctl.config.secrets import template
from stackctl.errors import NotFoundError
from stackctl.model import SECRET_REF, SENSITIVE, Resource, State

SecretValue = Callable[[str], str | None]  # secret name -> value (None when not set)


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v)


def _hidden(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, Mapping):
        return {k: _hidden(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_hidden(v, secrets) for v in value]
    if not isinstance(value, str):
        return value
    if any(s and s in value for s in secrets):
        return SENSITIVE
    if "://" in value:
        try:
            if urlsplit(value).password is not None:
                return SENSITIVE
        except ValueError:
            return value
    return value


def outputs_of(resource: Resource, secret: SecretValue) -> dict[str, Any]:
    """The resource's outputs with anything secret replaced by ``(sensitive)``."""
    names = {n for leaf in _leaves(resource.config) for n in SECRET_REF.findall(template(leaf))}
    values = [v for v in (secret(n) for n in sorted(names)) if v]
    return {k: _hidden(v, values) for k, v in sorted(resource.outputs.items())}


def select_outputs(state: State, name: str | None, secret: SecretValue) -> Any:
    """Every resource with outputs (``{address: {key: value}}``), one resource's outputs
    (NAME an address) or one value (NAME ``ADDR.key``)."""
    if name is None:
        return {a: outputs_of(r, secret) for a, r in sorted(state.resources.items()) if r.outputs}
    if name in state.resources:
        return outputs_of(state.resources[name], secret)
    address, _, key = name.rpartition(".")
    if address in state.resources:
        found = outputs_of(state.resources[address], secret)
        if key in found:
            return found[key]
        keys = ", ".join(found) or "none: its provisioner records nothing"
        raise NotFoundError(f"{address} has no output {key!r}", hint=f"its outputs: {keys}")
    from stackctl.config.schema import closest

    with_outputs = sorted(a for a, r in state.resources.items() if r.outputs)
    raise NotFoundError(
        f"{name} is not in state",
        hint=closest(name, with_outputs)
        or "`stackctl output` lists what state records; `stackctl apply` creates it",
    )
