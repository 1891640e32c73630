"""Provisioners of the fsspec stores: S3 buckets and fsspec folders.

Artifacts are user data: ``delete`` only removes what is empty, never objects.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.artifact_stores.base import TMP_DIR
from stackctl.components.artifact_stores.fsspec_fs import (
    LOCAL_PROTOCOLS,
    filesystem,
    s3_options,
    split_uri,
)
from stackctl.components.provisioner import Observation, check_same
from stackctl.errors import ProvisionError, StackctlError

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

#: Seconds an apply or drift waits for an object store before failing.
TIMEOUT_S = 10.0


@contextmanager
def _provisioning(what: str, uri: str) -> Iterator[None]:
    try:
        yield
    except ProvisionError:
        raise
    except StackctlError as exc:
        raise ProvisionError(exc.message, hint=exc.hint) from None
    except Exception as exc:
        raise ProvisionError(
            f"cannot {what} {uri}: {type(exc).__name__}: {exc}",
            hint="check the endpoint and credentials (`${secret:...}` values), then run "
            "`stackctl apply` again",
        ) from None


class S3Provisioner:
    """create = make the bucket if missing; observe = the bucket exists."""

    def _fs(self, config: Mapping[str, Any]) -> AbstractFileSystem:
        return filesystem("s3", s3_options(config, timeout=TIMEOUT_S))

    @staticmethod
    def _bucket(config: Mapping[str, Any]) -> str:
        return str(config["uri"]).removeprefix("s3://").split("/", 1)[0]

    def _bucket_exists(self, fs: AbstractFileSystem, bucket: str) -> bool:
        try:
            fs.call_s3("head_bucket", Bucket=bucket)
        except FileNotFoundError:
            return False
        return True

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        uri, bucket = str(config["uri"]), self._bucket(config)
        with _provisioning("create the bucket of", uri):
            fs = self._fs(config)
            if not self._bucket_exists(fs, bucket):
                self._create_bucket(fs, bucket, str(config.get("region") or ""))
        return {"bucket": bucket, "uri": uri}

    @staticmethod
    def _create_bucket(fs: AbstractFileSystem, bucket: str, region: str) -> None:
        # us-east-1 is S3's default location and refuses a LocationConstraint naming it
        # ("location-constraint is not valid"), which s3fs's mkdir always sends.
        if region and region != "us-east-1":
            fs.call_s3(
                "create_bucket",
                Bucket=bucket,
                CreateBucketConfiguration={"LocationConstraint": region},
            )
        else:
            fs.call_s3("create_bucket", Bucket=bucket)
        fs.invalidate_cache()

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        uri, bucket = str(config["uri"]), self._bucket(config)
        with _provisioning("look up the bucket of", uri):
            if self._bucket_exists(self._fs(config), bucket):
                return Observation(True, {"bucket": bucket, "uri": uri})
        return Observation(False, detail=f"bucket {bucket} of {uri} is missing")

    def adopt(self, config: Mapping[str, Any], id: str, root: Path) -> Mapping[str, Any]:
        """``id`` is the store's URI (``s3://bucket/prefix``; the ``s3://`` may be left out)."""
        uri = str(config["uri"])
        given = id if id.startswith("s3://") else f"s3://{id}"
        check_same("S3 location", uri.rstrip("/"), given.rstrip("/"), "config.uri")
        bucket = self._bucket(config)
        with _provisioning("look up the bucket of", uri):
            exists = self._bucket_exists(self._fs(config), bucket)
        if not exists:
            raise ProvisionError(
                f"cannot import {uri}: bucket {bucket} does not exist at "
                f"{config.get('endpoint_url') or 'AWS S3'}",
                hint="import a bucket that exists (check endpoint_url and credentials), or "
                "let `stackctl apply` create it",
            )
        return {"bucket": bucket, "uri": uri}

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        # An empty bucket goes (rmdir refuses a non-empty one); objects always stay.
        with contextlib.suppress(Exception):
            self._fs(config).rmdir(self._bucket(config))


class FsspecProvisioner:
    """create = makedirs; observe = the folder exists (memory:// has nothing to keep)."""

    def _target(self, config: Mapping[str, Any], root: Path) -> tuple[str, str, AbstractFileSystem]:
        protocol, path = split_uri(str(config["uri"]), root)
        return protocol, path, filesystem(protocol, config.get("storage_options") or {})

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        with _provisioning("create", str(config["uri"])):
            protocol, path, fs = self._target(config, root)
            fs.makedirs(path, exist_ok=True)
        return {"uri": f"{protocol}://{path}"}

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        with _provisioning("look at", str(config["uri"])):
            protocol, path, fs = self._target(config, root)
            # memory:// lives in one process: the apply that made it is gone by now.
            if protocol == "memory" or fs.isdir(path):
                return Observation(True, {"uri": f"{protocol}://{path}"})
        # Object stores have no empty folders; only a local folder can go missing.
        if protocol not in LOCAL_PROTOCOLS:
            return Observation(True, {"uri": f"{protocol}://{path}"})
        return Observation(False, detail=f"folder {protocol}://{path} is missing")

    def adopt(self, config: Mapping[str, Any], id: str, root: Path) -> Mapping[str, Any]:
        """``id`` is the store's URI; a local folder must be a folder, anything else exist."""
        uri = str(config["uri"])
        protocol, path = split_uri(uri, root)
        given = "://".join(split_uri(id, root))
        check_same("location", f"{protocol}://{path}", given, "config.uri")
        with _provisioning("look at", uri):
            fs = filesystem(protocol, config.get("storage_options") or {})
            found = fs.isdir(path) if protocol in LOCAL_PROTOCOLS else fs.exists(path)
        if not found:
            raise ProvisionError(
                f"cannot import {protocol}://{path}: it does not exist",
                hint="import a location that exists, or let `stackctl apply` create it",
            )
        return {"uri": f"{protocol}://{path}"}

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        with contextlib.suppress(Exception):
            _, path, fs = self._target(config, root)
            with contextlib.suppress(Exception):
                fs.rmdir(f"{path}/{TMP_DIR}")
            fs.rmdir(path)


if TYPE_CHECKING:  # static proof that the classes satisfy the contract
    from stackctl.components.provisioner import Adopter, Provisioner

    _s3: type[Provisioner] = S3Provisioner
    _fsspec: type[Provisioner] = FsspecProvisioner
    _s3_adopter: type[Adopter] = S3Provisioner
    _fsspec_adopter: type[Adopter] = FsspecProvisioner
