"""The flavor registry: built-in flavors in an explicit table, third parties by entry point.

A flavor is a config schema (JSON Schema, draft 2020-12) plus an implementation class and,
optionally, a provisioner used by apply/refresh. Implementations are named as
``"module:attribute"`` strings and imported only when used, so listing or validating
flavors never imports dask, s3fs or mlflow.

Third-party packages register in ``pyproject.toml``::

    [project.entry-points."stackctl.flavors"]
    my_tracker = "my_pkg.flavors:FLAVOR"   # a Flavor, or a list of them
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import Any

from stackctl import plugins
from stackctl.errors import NotFoundError, StackctlError
from stackctl.frozen import frozen
from stackctl.model import COMPONENT_TYPES

ENTRY_POINT_GROUP = "stackctl.flavors"


def schemas_dir() -> Path:
    """The shipped JSON Schemas: in a source checkout `schemas/`, in a wheel `_schemas/`."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package.parent / "schemas", package / "_schemas"):
        if candidate.is_dir():
            return candidate
    raise StackctlError(
        "the JSON Schemas that ship with stackctl are missing",
        hint="reinstall stackctl: pip install --force-reinstall stackctl",
    )


@frozen
class Flavor:
    """One flavor of one component type."""

    type: str
    name: str
    description: str
    implementation: str  # "module:Class", imported lazily
    provisioner: str | None = None  # "module:Class", imported lazily
    schema_file: str | None = None  # file name under schemas/flavors/
    inline_schema: Mapping[str, Any] | None = field(default=None, compare=False)
    extra: str | None = None  # the pip extra that brings its dependencies
    source: str = "builtin"

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.name)

    def schema(self) -> Mapping[str, Any]:
        if self.inline_schema is not None:
            return self.inline_schema
        if self.schema_file is None:
            return {"type": "object", "additionalProperties": False, "properties": {}}
        return _read_schema(self.schema_file)

    def load(self) -> Any:
        """Import and return the implementation class."""
        return _import(self.implementation, self)

    def load_provisioner(self) -> Any | None:
        return _import(self.provisioner, self) if self.provisioner else None


@cache
def _read_schema(file_name: str) -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads((schemas_dir() / "flavors" / file_name).read_text())
    return data


def _import(ref: str, flavor: Flavor) -> Any:
    module_name, _, attr = ref.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except ImportError as exc:
        extra = f"pip install 'stackctl[{flavor.extra}]'" if flavor.extra else "reinstall it"
        raise StackctlError(
            f"flavor {flavor.type}/{flavor.name} cannot be loaded: {exc}",
            hint=f"install its dependencies: {extra}",
        ) from None


def _builtin(type_: str, name: str, description: str, impl: str, **kw: Any) -> Flavor:
    base = f"stackctl.components.{type_}s"
    return Flavor(
        type=type_,
        name=name,
        description=description,
        implementation=f"{base}.{impl}",
        schema_file=f"{type_}.{name}.schema.json",
        **kw,
    )


BUILTIN_FLAVORS: tuple[Flavor, ...] = (
    _builtin(
        "orchestrator",
        "local",
        "in-process, one step at a time (the default stack's)",
        "local:LocalOrchestrator",
    ),
    _builtin(
        "orchestrator",
        "local_parallel",
        "a process pool: independent steps run concurrently",
        "local_parallel:LocalParallelOrchestrator",
    ),
    _builtin(
        "orchestrator",
        "dask",
        "dask.distributed: each step a task on a worker",
        "dask:DaskOrchestrator",
        provisioner="stackctl.components.orchestrators.dask:DaskProvisioner",
        extra="dask",
    ),
    _builtin(
        "orchestrator",
        "ray",
        "ray: each step a task with the resources it declares",
        "ray:RayOrchestrator",
        provisioner="stackctl.components.orchestrators.ray:RayProvisioner",
        extra="ray",
    ),
    _builtin(
        "step_operator",
        "dask",
        "one step as a task on a dask scheduler or a LocalCluster",
        "dask:DaskStepOperator",
        provisioner="stackctl.components.orchestrators.dask:DaskProvisioner",
        extra="dask",
    ),
    _builtin(
        "step_operator",
        "ray",
        "one step as a ray task (a cluster, or a local instance)",
        "ray:RayStepOperator",
        provisioner="stackctl.components.orchestrators.ray:RayProvisioner",
        extra="ray",
    ),
    _builtin(
        "artifact_store",
        "local",
        "a folder on this machine",
        "local:LocalArtifactStore",
        provisioner="stackctl.components.artifact_stores.local:LocalProvisioner",
    ),
    _builtin(
        "artifact_store",
        "s3",
        "an S3 bucket (or any S3 API) through s3fs",
        "fsspec_store:S3ArtifactStore",
        provisioner="stackctl.components.artifact_stores.fsspec_store:S3Provisioner",
        extra="s3",
    ),
    _builtin(
        "artifact_store",
        "fsspec",
        "any filesystem fsspec knows (memory://, gcs://, abfs://, ...)",
        "fsspec_store:FsspecArtifactStore",
        provisioner="stackctl.components.artifact_stores.fsspec_store:FsspecProvisioner",
    ),
    _builtin(
        "experiment_tracker",
        "mlflow",
        "MLflow tracking (a local folder by default)",
        "mlflow:MlflowTracker",
        provisioner="stackctl.components.experiment_trackers.mlflow_provision:MlflowProvisioner",
        extra="mlflow",
    ),
    Flavor(  # not _builtin: the package is model_registries, not model_registrys
        type="model_registry",
        name="mlflow",
        description="MLflow's model registry (a local SQLite store by default)",
        implementation="stackctl.components.model_registries.mlflow:MlflowModelRegistry",
        provisioner="stackctl.components.model_registries.mlflow:MlflowRegistryProvisioner",
        schema_file="model_registry.mlflow.schema.json",
        extra="mlflow",
    ),
    # alerters need only the standard library (urllib, smtplib): no extra to install
    _builtin(
        "alerter",
        "slack",
        "a Slack incoming webhook",
        "slack:SlackAlerter",
        provisioner="stackctl.components.alerters.slack:WebhookProvisioner",
    ),
    _builtin(
        "alerter",
        "discord",
        "a Discord channel webhook",
        "discord:DiscordAlerter",
        provisioner="stackctl.components.alerters.discord:DiscordProvisioner",
    ),
    _builtin(
        "alerter",
        "smtp",
        "email through an SMTP server",
        "smtp:SmtpAlerter",
        provisioner="stackctl.components.alerters.smtp:SmtpProvisioner",
    ),
    _builtin(
        "data_validator",
        "pandera",
        "pandera DataFrame schemas (YAML in the project), checked lazily",
        "pandera:PanderaValidator",
        provisioner="stackctl.components.data_validators.pandera_provision:PanderaProvisioner",
        extra="validation",
    ),
    _builtin(
        "feature_store",
        "feast",
        "a local Feast repository: file offline store, SQLite online store",
        "feast:FeastFeatureStore",
        provisioner="stackctl.components.feature_stores.feast_provision:FeastProvisioner",
        extra="feast",
    ),
    Flavor(
        type="model_deployer",
        name="mlflow",
        description="MLflow's scoring server as a local process on loopback",
        implementation="stackctl.components.model_deployers.mlflow:MlflowModelDeployer",
        provisioner=(
            "stackctl.components.model_deployers.mlflow_provision:MlflowDeployerProvisioner"
        ),
        schema_file="model_deployer.mlflow.schema.json",
        extra="mlflow",
    ),
)


@cache
def flavors() -> dict[tuple[str, str], Flavor]:
    """Every known flavor keyed by (type, name): built-ins first, then entry points."""
    table = {f.key: f for f in BUILTIN_FLAVORS}
    for ep in plugins.entry_points(ENTRY_POINT_GROUP):
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin must not break stackctl
            raise StackctlError(
                f"the flavor plugin {ep.name!r} ({ep.value}) failed to load: {exc}",
                hint=f"fix or uninstall the package that provides {ep.value.split(':')[0]!r}",
            ) from None
        for flavor in loaded if isinstance(loaded, list | tuple) else [loaded]:
            if not isinstance(flavor, Flavor) or flavor.type not in COMPONENT_TYPES:
                raise StackctlError(
                    f"the flavor plugin {ep.name!r} did not provide a valid Flavor",
                    hint="export a stackctl.components.registry.Flavor "
                    f"whose type is one of {', '.join(COMPONENT_TYPES)}",
                )
            source = ep.dist or ep.value
            table[flavor.key] = Flavor(**{**flavor.__dict__, "source": source})
    return table


def flavor_names(type_: str) -> list[str]:
    return sorted(name for t, name in flavors() if t == type_)


#: Where a user whose type has no flavor learns to write one (shipped in the repository).
PLUGINS_DOC = "docs/plugins.md"


def no_flavor_note(type_: str) -> str:
    """One line for a type nothing implements: neither built in nor from a plugin."""
    return (
        f"no built-in flavor exists for {type_} and no installed plugin provides one: "
        f"write or install a flavor plugin (see {PLUGINS_DOC})"
    )


def require_flavors(type_: str) -> None:
    """Refuse, in one line, to declare a component of a type nothing implements."""
    if not flavor_names(type_):
        raise NotFoundError(no_flavor_note(type_))


def get_flavor(type_: str, name: str) -> Flavor:
    try:
        return flavors()[(type_, name)]
    except KeyError:
        if not flavor_names(type_):
            raise NotFoundError(
                f"unknown {type_} flavor {name!r}: {no_flavor_note(type_)}"
            ) from None
        known = ", ".join(flavor_names(type_))
        raise NotFoundError(
            f"unknown {type_} flavor {name!r}",
            hint=f"known {type_} flavors: {known}; see `stackctl flavor list`",
        ) from None


def flavor_schemas() -> dict[tuple[str, str], Mapping[str, Any]]:
    """Config schema of every flavor, for config validation (injected into config/)."""
    return {key: flavor.schema() for key, flavor in flavors().items()}
