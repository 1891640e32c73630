"""Secrets: `${secret:NAME}` values from the environment or `.stackctl/secrets.yaml`.

Values are looked up only when something must touch the real world (apply, refresh, a
run). Everywhere else a secret-bearing leaf is kept as its reference plus a salted
digest of its value, ``"${secret:aws_key} #sha256:0123456789abcdef"``, so that a changed
secret shows up in a plan as an update of a `(sensitive)` attribute while the value is
never written to state, plan files or output.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stackctl.errors import StackctlError
from stackctl.model import SECRET_REF

ENV_PREFIX = "STACKCTL_SECRET_"
SECRETS_FILE = ".stackctl/secrets.yaml"
_DIGEST = re.compile(r" #sha256:[0-9a-f]{16}$")


def env_name(name: str) -> str:
    """`aws_key` -> `STACKCTL_SECRET_AWS_KEY` (dots and dashes become underscores)."""
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


class Secrets:
    """Secret values for one project: the environment wins over the secrets file."""

    def __init__(self, root: Path | None, environ: Mapping[str, str] | None = None) -> None:
        self._root = root
        self._environ = os.environ if environ is None else environ
        self._file: dict[str, Any] | None = None

    def get(self, name: str) -> str | None:
        """The value of secret ``name``, or None when it is not set anywhere."""
        if (value := self._environ.get(env_name(name))) is not None:
            return value
        node: Any = self._from_file()
        if name in node:
            return None if node[name] is None else str(node[name])
        for part in name.split("."):  # `db.password` may be nested in the file
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return None if node is None or isinstance(node, dict | list) else str(node)

    def require(self, name: str, where: str) -> str:
        value = self.get(name)
        if value is None:
            raise StackctlError(
                f"secret {name!r} (used by {where}) is not set",
                hint=f"export {env_name(name)}=... or add `{name}: ...` to {SECRETS_FILE}",
            )
        return value

    def _from_file(self) -> dict[str, Any]:
        if self._file is None:
            self._file = {}
            path = self._root / SECRETS_FILE if self._root else None
            # exists() and not is_file(): a FIFO or device is refused by the bounded read.
            if path is not None and (path.exists() or path.is_symlink()):
                from stackctl.config.yaml import read_document, to_plain

                data = to_plain(read_document(path, SECRETS_FILE).data)
                if data is not None and not isinstance(data, dict):
                    raise StackctlError(
                        f"{SECRETS_FILE} must be a mapping of NAME: VALUE",
                        hint=f"write one `name: value` per line in {SECRETS_FILE}",
                    )
                self._file = data or {}
        return self._file


def _digest(name_or_text: str, value: str) -> str:
    # Salted with the reference so equal values of two secrets do not look equal.
    raw = hashlib.sha256(f"stackctl-secret\0{name_or_text}\0{value}".encode()).hexdigest()
    return raw[:16]


def template(leaf: str) -> str:
    """The leaf without its digest suffix: the text with `${secret:...}` references."""
    return _DIGEST.sub("", leaf)


def is_sensitive(value: Any) -> bool:
    return isinstance(value, str) and SECRET_REF.search(value) is not None


def digest_leaf(leaf: str, secrets: Secrets) -> str:
    """``leaf`` (holding references) with a digest of its resolved value appended;
    a secret that is not available is digested by its reference instead."""
    text = template(leaf)
    values = [secrets.get(n) for n in SECRET_REF.findall(text)]
    resolved = text if None in values else SECRET_REF.sub(lambda m: secrets.get(m[1]) or "", text)
    return f"{text} #sha256:{_digest(text, resolved)}"


def digest_config(value: Any, secrets: Secrets) -> Any:
    """A copy of a config value with every secret-bearing leaf digested."""
    if isinstance(value, str):
        return digest_leaf(value, secrets) if is_sensitive(value) else value
    if isinstance(value, Mapping):
        return {k: digest_config(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [digest_config(v, secrets) for v in value]
    return value


def reveal(value: Any, secrets: Secrets, where: str) -> Any:
    """A copy with every reference replaced by its value (for provisioners only)."""
    if isinstance(value, str):
        if not is_sensitive(value):
            return value
        return SECRET_REF.sub(lambda m: secrets.require(m[1], where), template(value))
    if isinstance(value, Mapping):
        return {k: reveal(v, secrets, where) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [reveal(v, secrets, where) for v in value]
    return value
