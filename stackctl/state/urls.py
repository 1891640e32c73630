"""State URLs: what `stackctl state migrate --to URL` accepts, and how to show one.

``postgresql://`` and ``postgres://`` name a PostgreSQL database. SQLite follows the
convention of SQLAlchemy and MLflow: ``sqlite:///rel/state.db`` is relative,
``sqlite:////abs/state.db`` absolute; a plain path works too.
"""

from __future__ import annotations

import re
from pathlib import Path

from stackctl.errors import StateError
from stackctl.model import StateConfig

POSTGRES_SCHEMES = ("postgresql", "postgres")
_EXAMPLES = "postgresql://user@host:5432/db, sqlite:///path/state.db or a file path"


def config_from_url(url: str, cwd: Path) -> StateConfig:
    """The state config a URL names; a relative SQLite path is taken from ``cwd``."""
    scheme, sep, rest = url.strip().partition("://")
    if not url.strip():
        raise StateError("the state URL is empty", hint=f"pass one of: {_EXAMPLES}")
    if not sep:
        return _sqlite(url.strip(), cwd)
    if scheme.lower() in POSTGRES_SCHEMES:
        return StateConfig(backend="postgres", url=url.strip())
    if scheme.lower() == "sqlite" and rest.startswith("/") and rest.strip("/"):
        return _sqlite(rest[1:], cwd)
    if scheme.lower() == "sqlite":
        raise StateError(
            f"{redact(url)!r} names no file",
            hint="write sqlite:///relative/state.db or sqlite:////absolute/state.db",
        )
    raise StateError(
        f"unsupported state URL scheme {scheme!r} in {redact(url)!r}",
        hint=f"state can move to PostgreSQL or SQLite: {_EXAMPLES}",
    )


def _sqlite(path: str, cwd: Path) -> StateConfig:
    if "?" in path:
        raise StateError(
            f"SQLite state URLs take no options: {path!r}",
            hint="pass just the file, e.g. sqlite:///.stackctl/state.db",
        )
    file = Path(path).expanduser()
    return StateConfig(backend="sqlite", path=str(file if file.is_absolute() else cwd / file))


def redact(url: str) -> str:
    """``url`` with any password (``user:pass@`` or ``password=``) replaced by ***."""
    url = re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)
    return re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", url)


def describe(config: StateConfig, root: Path) -> str:
    """Where a state lives, for messages: a path (relative to ``root`` when inside it)
    or a redacted URL."""
    if config.backend == "postgres":
        return redact(config.url or "")
    if config.backend != "sqlite":
        return config.backend
    return store_key(config, root).removeprefix(f"{root.resolve()}/")


def store_key(config: StateConfig, root: Path) -> str:
    """A key equal for two configs naming the same store (resolved path or URL)."""
    if config.backend == "sqlite":
        path = Path(config.path)
        return str((path if path.is_absolute() else root / path).resolve())
    return f"{config.backend}:{config.url or ''}"
