"""fsspec plumbing shared by the fsspec/s3 stores and their provisioners.

URIs are parsed by hand (not by fsspec) so that constructing a store or validating a
stack never imports s3fs or gcsfs; the filesystem is made on first use.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from stackctl.errors import StackctlError

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

#: Protocols whose objects live on this machine (or in this process) only.
LOCAL_PROTOCOLS = frozenset({"file", "local", "memory"})


class ArtifactStoreError(StackctlError, OSError):
    """The store's backend failed (unreachable, denied, no bucket).

    Also an OSError, so the runtime reports it as "cannot write to the store" rather
    than trying another materializer.
    """


class _Named(Protocol):
    name: str

    @property
    def root(self) -> str: ...


def split_uri(uri: str, root: Path) -> tuple[str, str]:
    """``(protocol, path)`` of a store URI; plain and relative paths are files under ``root``."""
    protocol, sep, path = uri.partition("://")
    if not sep:
        protocol, path = "file", uri
    if protocol in ("file", "local"):
        return "file", str((root / path).resolve()) if path else str(root.resolve())
    path = path.rstrip("/")
    if protocol == "memory":
        path = "/" + path.lstrip("/")
    return protocol, path


def join(*parts: str) -> str:
    return "/".join(p.strip("/") if i else p.rstrip("/") for i, p in enumerate(parts))


def filesystem(protocol: str, options: Mapping[str, Any]) -> AbstractFileSystem:
    """An fsspec filesystem (StackctlError naming the extra when its package is missing)."""
    import fsspec

    try:
        return fsspec.filesystem(protocol, **options)
    except ImportError as exc:
        package = {"s3": "s3fs", "gcs": "gcsfs", "gs": "gcsfs", "abfs": "adlfs", "az": "adlfs"}
        raise StackctlError(
            f"the {protocol}:// filesystem is not installed: {exc}",
            hint=f"pip install {package.get(protocol, f'the fsspec backend for {protocol}')}",
        ) from None
    except ValueError as exc:  # an unknown protocol
        raise StackctlError(
            f"fsspec does not know the protocol {protocol!r}: {exc}",
            hint="use a URI such as memory://artifacts, file:///data/artifacts or gcs://bucket/p",
        ) from None


def s3_options(config: Mapping[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
    """s3fs options from an ``s3`` store config; no key means the AWS credential chain."""
    options: dict[str, Any] = {"use_listings_cache": False}  # other writers exist
    if config.get("key") or config.get("secret"):
        options.update(key=config.get("key"), secret=config.get("secret"))
    if config.get("endpoint_url"):
        options["endpoint_url"] = config["endpoint_url"]
    client_kwargs: dict[str, Any] = {}
    if config.get("region"):
        client_kwargs["region_name"] = config["region"]
    if client_kwargs:
        options["client_kwargs"] = client_kwargs
    if timeout is not None:  # fail fast in apply/drift rather than retry for minutes
        options["config_kwargs"] = {
            "connect_timeout": timeout,
            "read_timeout": timeout,
            "retries": {"max_attempts": 2},
        }
    return options


@contextmanager
def store_error(store: _Named, action: str, *, missing_ok: bool = False) -> Iterator[None]:
    """Translate backend errors of ``action`` into ArtifactStoreError (``missing_ok``:
    let FileNotFoundError through for the caller to map)."""
    try:
        yield
    except StackctlError:
        raise
    except FileNotFoundError:
        if missing_ok:
            raise
        raise ArtifactStoreError(
            f"artifact store {store.name!r} cannot {action}: {store.root} does not exist",
            hint="create it with `stackctl apply` (or check `uri`), then run again",
        ) from None
    except Exception as exc:
        raise ArtifactStoreError(
            f"artifact store {store.name!r} cannot {action} at {store.root}: "
            f"{type(exc).__name__}: {exc}",
            hint="check the store's endpoint and credentials; `stackctl drift` shows "
            "whether it still exists",
        ) from None
